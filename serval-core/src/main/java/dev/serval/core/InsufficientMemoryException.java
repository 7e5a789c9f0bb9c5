package dev.serval.core;

/**
 * Loading a model would take the server over its configured memory budget; the load is refused
 * instead of risking the process.
 */
public class InsufficientMemoryException extends ServalException {
  private static final long serialVersionUID = 1L;

  public InsufficientMemoryException(String message) {
    super(message);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.INSUFFICIENT_STORAGE;
  }
}
