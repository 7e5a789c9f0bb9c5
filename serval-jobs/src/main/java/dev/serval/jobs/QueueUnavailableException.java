package dev.serval.jobs;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/** The job queue's broker cannot be reached or did not confirm a message. */
public final class QueueUnavailableException extends ServalException {
  private static final long serialVersionUID = 1L;

  public QueueUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.UNAVAILABLE;
  }
}
