package dev.serval.tune;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/** The sampler has nothing left to try (a grid is done); {@code optimize} stops on it. */
public class StudyExhaustedException extends ServalException {
  private static final long serialVersionUID = 1L;

  public StudyExhaustedException(String message) {
    super(message);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.CONFLICT;
  }
}
