package dev.serval.security;

import dev.serval.core.TooManyRequestsException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** At most so many requests in flight per holder: an API key, or the server when keys are off. */
public final class ConcurrencyLimiter {
  /** Requests in flight usually end within a second; the client waits that long. */
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final int max;
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  /** A request being served; closing it (more than once is fine) frees its place. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  public ConcurrencyLimiter(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max concurrent requests must be at least 1 but was "
          + max);
    }
    this.max = max;
  }

  /**
   * @param holder whose requests count together, e.g. a key id
   * @param whose the holder in the refusal's words, e.g. "API key 'ci' (3f2a...)"; asked only
   *     for a refusal, so admitted requests pay nothing for it
   * @throws TooManyRequestsException when the holder already has {@code max} in flight
   */
  public Permit acquire(String holder, Supplier<String> whose) {
    AtomicInteger count = inFlight.computeIfAbsent(holder, h -> new AtomicInteger());
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      throw new TooManyRequestsException("more than " + max + " concurrent requests for "
          + whose.get() + "; retry after " + RETRY_AFTER.toSeconds() + " s, or send fewer at once",
          RETRY_AFTER);
    }
    AtomicBoolean open = new AtomicBoolean(true);
    return () -> {
      if (open.compareAndSet(true, false)) {
        count.decrementAndGet();
      }
    };
  }
}
