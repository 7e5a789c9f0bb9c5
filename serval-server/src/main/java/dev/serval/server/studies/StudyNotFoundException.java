package dev.serval.server.studies;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/** The named study, trial or best trial does not exist. */
public class StudyNotFoundException extends ServalException {
  private static final long serialVersionUID = 1L;

  public StudyNotFoundException(String message) {
    super(message);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.NOT_FOUND;
  }
}
