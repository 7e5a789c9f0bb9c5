package dev.serval.bus;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/** The message broker cannot be reached or refuses the connection. */
public class BusUnavailableException extends ServalException {
  private static final long serialVersionUID = 1L;

  public BusUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.UNAVAILABLE;
  }
}
