package dev.serval.core;

/** A request or argument that is malformed or does not match the model's signature. */
public class InvalidInputException extends ServalException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.INVALID_ARGUMENT;
  }
}
