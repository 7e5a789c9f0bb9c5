package dev.serval.core;

/** The request body is larger than the configured limit. */
public class PayloadTooLargeException extends ServalException {
  private static final long serialVersionUID = 1L;

  public PayloadTooLargeException(String message) {
    super(message);
  }

  public PayloadTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.PAYLOAD_TOO_LARGE;
  }
}
