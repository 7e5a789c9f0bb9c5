package dev.serval.tune;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/** An operation needs a trial in another state, e.g. reporting to a trial already told. */
public class TrialStateException extends ServalException {
  private static final long serialVersionUID = 1L;

  public TrialStateException(String message) {
    super(message);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.CONFLICT;
  }
}
