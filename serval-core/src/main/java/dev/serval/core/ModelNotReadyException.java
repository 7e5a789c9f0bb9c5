package dev.serval.core;

/** The model exists but cannot serve now (loading, failed, unloading, or server draining). */
public class ModelNotReadyException extends ServalException {
  private static final long serialVersionUID = 1L;

  public ModelNotReadyException(String message) {
    super(message);
  }

  public ModelNotReadyException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.UNAVAILABLE;
  }
}
