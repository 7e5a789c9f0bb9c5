package dev.serval.security.internal;

import dev.serval.security.RateLimit;
import java.util.function.LongSupplier;

/**
 * A token bucket: holds up to {@code burst} tokens, gains {@code perSecond} per second, and each
 * request takes one. Starts full. Thread-safe.
 */
public final class TokenBucket {
  private static final double NANOS_PER_SECOND = 1e9;

  private final RateLimit limit;
  private final LongSupplier nanoTime;
  private double tokens;
  private long refilledAt;

  public TokenBucket(RateLimit limit, LongSupplier nanoTime) {
    this.limit = limit;
    this.nanoTime = nanoTime;
    this.tokens = limit.burst();
    this.refilledAt = nanoTime.getAsLong();
  }

  /**
   * Takes a token if there is one.
   *
   * @return 0 when a token was taken, else the nanoseconds until the next one (nothing taken)
   */
  public synchronized long tryTake() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(limit.burst(),
        tokens + (now - refilledAt) / NANOS_PER_SECOND * limit.perSecond());
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - tokens) / limit.perSecond() * NANOS_PER_SECOND);
  }

  public RateLimit limit() {
    return limit;
  }
}
