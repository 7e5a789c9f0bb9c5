package dev.serval.tune;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/** A study of that name exists with another direction or search space. */
public class StudyConflictException extends ServalException {
  private static final long serialVersionUID = 1L;

  public StudyConflictException(String message) {
    super(message);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.CONFLICT;
  }
}
