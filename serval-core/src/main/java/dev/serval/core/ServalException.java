package dev.serval.core;

/**
 * Base of Serval's domain errors. Each carries an {@link ErrorKind} so that the API layer can map
 * every error to an HTTP and gRPC status in one place.
 */
public abstract class ServalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected ServalException(String message) {
    super(message);
  }

  protected ServalException(String message, Throwable cause) {
    super(message, cause);
  }

  public abstract ErrorKind kind();
}
