package dev.serval.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.security.RateLimit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private final AtomicLong now = new AtomicLong(1_000);

  @Test
  void allowsABurstThenRefusesWithTheTimeToTheNextToken() {
    TokenBucket bucket = new TokenBucket(new RateLimit(2, 3), now::get);

    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
  }

  @Test
  void refillsAtTheRate() {
    TokenBucket bucket = new TokenBucket(new RateLimit(2, 1), now::get);
    assertThat(bucket.tryTake()).isZero();

    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));
    assertThat(bucket.tryTake()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));
    assertThat(bucket.tryTake()).isZero();
  }

  @Test
  void aRefusedRequestTakesNothing() {
    TokenBucket bucket = new TokenBucket(new RateLimit(1, 1), now::get);
    bucket.tryTake();

    for (int i = 0; i < 5; i++) {
      assertThat(bucket.tryTake()).isPositive();
    }
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(bucket.tryTake()).isZero();
  }

  @Test
  void neverHoldsMoreThanTheBurst() {
    TokenBucket bucket = new TokenBucket(new RateLimit(10, 2), now::get);

    now.addAndGet(TimeUnit.HOURS.toNanos(1));
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isPositive();
  }
}
