package dev.serval.jobs;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/** The job's state does not allow what was asked, e.g. cancelling a finished job. */
public final class JobStateException extends ServalException {
  private static final long serialVersionUID = 1L;

  public JobStateException(String message) {
    super(message);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.CONFLICT;
  }
}
