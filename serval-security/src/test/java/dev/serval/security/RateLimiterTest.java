package dev.serval.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.serval.core.TooManyRequestsException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final AtomicLong now = new AtomicLong();

  @Test
  void limitsEachKeyByTheDefaultSeparately() {
    RateLimiter limiter = RateLimiter.builder().keyDefault(new RateLimit(1, 1))
        .nanoTime(now::get).build();
    ApiKey a = key("aaaaaaaaaaaaaaaa", Optional.empty());
    ApiKey b = key("bbbbbbbbbbbbbbbb", Optional.empty());

    limiter.acquire(a, "mlp");
    limiter.acquire(b, "mlp");
    TooManyRequestsException refused =
        catchThrowableOfType(() -> limiter.acquire(a, "mlp"), TooManyRequestsException.class);

    assertThat(refused.getMessage()).contains("rate limit of 1/s:1 for API key 'k'")
        .contains("retry after 1 s");
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aKeysOwnLimitOverridesTheDefault() {
    RateLimiter limiter = RateLimiter.builder().keyDefault(new RateLimit(1, 1))
        .nanoTime(now::get).build();
    ApiKey generous = key("aaaaaaaaaaaaaaaa", Optional.of(new RateLimit(1, 3)));

    for (int i = 0; i < 3; i++) {
      limiter.acquire(generous, null);
    }
    assertThatCode(() -> limiter.acquire(generous, null))
        .isInstanceOf(TooManyRequestsException.class);
  }

  @Test
  void limitsAModelWhicheverKeyCalls() {
    RateLimiter limiter = RateLimiter.builder().model("mlp", new RateLimit(0.5, 2))
        .nanoTime(now::get).build();

    limiter.acquire(key("aaaaaaaaaaaaaaaa", Optional.empty()), "mlp");
    limiter.acquire(null, "mlp");
    TooManyRequestsException refused = catchThrowableOfType(
        () -> limiter.acquire(key("bbbbbbbbbbbbbbbb", Optional.empty()), "mlp"),
        TooManyRequestsException.class);
    limiter.acquire(null, "other");

    assertThat(refused.getMessage()).contains("for model 'mlp'").contains("retry after 2 s");
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThatCode(() -> limiter.acquire(null, "mlp")).doesNotThrowAnyException();
  }

  @Test
  void limitsNothingUnlessConfigured() {
    RateLimiter limiter = RateLimiter.builder().nanoTime(now::get).build();

    for (int i = 0; i < 1000; i++) {
      limiter.acquire(key("aaaaaaaaaaaaaaaa", Optional.empty()), "mlp");
    }
  }

  private static ApiKey key(String id, Optional<RateLimit> limit) {
    return new ApiKey(id, "k", Role.INFERENCE, List.of(), limit, Instant.EPOCH, "local", null);
  }
}
