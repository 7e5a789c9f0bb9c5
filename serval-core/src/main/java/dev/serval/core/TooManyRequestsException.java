package dev.serval.core;

import java.time.Duration;

/**
 * The request was refused for load (a full queue, a rate limit, a concurrency limit); the client
 * should retry after {@link #retryAfter()}, which the API reports as {@code Retry-After}.
 */
public class TooManyRequestsException extends ServalException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  public TooManyRequestsException(String message, Duration retryAfter) {
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
