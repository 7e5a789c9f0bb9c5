package dev.serval.core;

import java.time.Duration;

/** The model's bounded queue is full; the client should retry after {@link #retryAfter()}. */
public class QueueFullException extends ServalException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  public QueueFullException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.RESOURCE_EXHAUSTED;
  }
}
