package dev.serval.security;

import dev.serval.core.InvalidInputException;
import dev.serval.core.TooManyRequestsException;
import dev.serval.security.internal.TokenBucket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Rate limits per API key and per model, each a {@link TokenBucket}. A key has its own limit or
 * the default; a model is limited only when configured.
 */
public final class RateLimiter {
  private final Optional<RateLimit> keyDefault;
  private final Map<String, RateLimit> modelLimits;
  private final LongSupplier nanoTime;
  private final Map<String, TokenBucket> keyBuckets = new ConcurrentHashMap<>();
  private final Map<String, TokenBucket> modelBuckets = new ConcurrentHashMap<>();

  private RateLimiter(Builder b) {
    this.keyDefault = b.keyDefault;
    this.modelLimits = Map.copyOf(b.modelLimits);
    this.nanoTime = b.nanoTime;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Counts one request of {@code key} (when keys are on) for {@code model} (when it addresses
   * one).
   *
   * @throws TooManyRequestsException naming the limit and when to retry
   */
  public void acquire(ApiKey key, String model) {
    if (key != null) {
      Optional<RateLimit> limit = key.rateLimit().or(() -> keyDefault);
      if (limit.isPresent()) {
        take(keyBuckets.computeIfAbsent(key.id(), id -> new TokenBucket(limit.get(), nanoTime)),
            key::describe);
      }
    }
    RateLimit modelLimit = model == null ? null : modelLimits.get(model);
    if (modelLimit != null) {
      take(modelBuckets.computeIfAbsent(model, m -> new TokenBucket(modelLimit, nanoTime)),
          () -> "model '" + model + "'");
    }
  }

  /** {@code whose} names the limited key or model in a refusal, built only then. */
  private static void take(TokenBucket bucket, Supplier<String> whose) {
    long waitNanos = bucket.tryTake();
    if (waitNanos > 0) {
      Duration wait = Duration.ofNanos(waitNanos);
      long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
      throw new TooManyRequestsException("rate limit of " + bucket.limit() + " for "
          + whose.get() + " exceeded; retry after " + seconds + " s", wait);
    }
  }

  /** Configures a {@link RateLimiter}; nothing is limited by default. */
  public static final class Builder {
    private Optional<RateLimit> keyDefault = Optional.empty();
    private final Map<String, RateLimit> modelLimits = new HashMap<>();
    private LongSupplier nanoTime = System::nanoTime;

    private Builder() {}

    /** The limit of each key that has none of its own. */
    public Builder keyDefault(RateLimit limit) {
      this.keyDefault = Optional.of(Objects.requireNonNull(limit, "limit"));
      return this;
    }

    /** The limit of all requests to {@code model}, whichever key makes them. */
    public Builder model(String model, RateLimit limit) {
      if (model == null || model.isBlank()) {
        throw new InvalidInputException("model must not be blank but was '" + model + "'");
      }
      if (modelLimits.put(model, Objects.requireNonNull(limit, "limit")) != null) {
        throw new InvalidInputException("model '" + model + "' has two rate limits; give one");
      }
      return this;
    }

    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    public RateLimiter build() {
      return new RateLimiter(this);
    }
  }
}
