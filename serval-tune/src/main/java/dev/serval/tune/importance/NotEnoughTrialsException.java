package dev.serval.tune.importance;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/** A study has too few complete trials for parameter importances yet. */
public class NotEnoughTrialsException extends ServalException {
  private static final long serialVersionUID = 1L;

  public NotEnoughTrialsException(String message) {
    super(message);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.CONFLICT;
  }
}
