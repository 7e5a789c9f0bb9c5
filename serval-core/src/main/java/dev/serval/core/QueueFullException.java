package dev.serval.core;

import java.time.Duration;

/** The model's bounded queue is full; the client should retry after {@link #retryAfter()}. */
public class QueueFullException extends TooManyRequestsException {
  private static final long serialVersionUID = 1L;

  public QueueFullException(String message, Duration retryAfter) {
    super(message, retryAfter);
  }
}
