package dev.serval.core;

/** The request's timeout passed before it could be computed. */
public class DeadlineExceededException extends ServalException {
  private static final long serialVersionUID = 1L;

  public DeadlineExceededException(String message) {
    super(message);
  }

  public DeadlineExceededException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.DEADLINE_EXCEEDED;
  }
}
