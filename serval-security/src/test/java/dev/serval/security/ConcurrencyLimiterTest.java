package dev.serval.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.TooManyRequestsException;
import org.junit.jupiter.api.Test;

class ConcurrencyLimiterTest {
  private final ConcurrencyLimiter limiter = new ConcurrencyLimiter(2);

  @Test
  void refusesTheRequestOverTheLimitPerHolder() {
    limiter.acquire("a", () -> "key a");
    limiter.acquire("a", () -> "key a");

    assertThatThrownBy(() -> limiter.acquire("a", () -> "key a"))
        .isInstanceOf(TooManyRequestsException.class)
        .hasMessageContaining("more than 2 concurrent requests for key a");
    assertThatCode(() -> limiter.acquire("b", () -> "key b")).doesNotThrowAnyException();
  }

  @Test
  void aClosedPermitFreesItsPlaceOnce() {
    ConcurrencyLimiter.Permit first = limiter.acquire("a", () -> "key a");
    limiter.acquire("a", () -> "key a");

    first.close();
    first.close();

    limiter.acquire("a", () -> "key a");
    assertThatThrownBy(() -> limiter.acquire("a", () -> "key a"))
        .isInstanceOf(TooManyRequestsException.class);
  }
}
