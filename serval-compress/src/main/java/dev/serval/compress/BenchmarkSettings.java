package dev.serval.compress;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the report measures speed: each batch size runs for at least {@code budget} and at least
 * {@code minRuns} times, after a few warm-up runs.
 *
 * @param batches batch sizes to measure; empty measures nothing
 * @param budget measuring time per model and batch size
 * @param minRuns fewest measured runs per model and batch size
 * @param threads ONNX Runtime intra-op threads; 0 lets the runtime use every core
 */
public record BenchmarkSettings(List<Integer> batches, Duration budget, int minRuns, int threads) {
  public BenchmarkSettings {
    batches = List.copyOf(batches);
    for (int batch : batches) {
      if (batch < 1) {
        throw new IllegalArgumentException("batch sizes must be >= 1 but got " + batch);
      }
    }
    Objects.requireNonNull(budget, "budget");
    if (budget.isNegative()) {
      throw new IllegalArgumentException("budget must not be negative but was " + budget);
    }
    if (minRuns < 1) {
      throw new IllegalArgumentException("minRuns must be >= 1 but was " + minRuns);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0 but was " + threads);
    }
  }

  /** Batch 1 and 64, two seconds each, one thread. */
  public static BenchmarkSettings defaults() {
    return new BenchmarkSettings(List.of(1, 64), Duration.ofSeconds(2), 10, 1);
  }

  /**
   * Batch 1 and 64 for {@code seconds} each on {@code threads} threads, as the command line and
   * the API take them; 0 seconds measures nothing.
   */
  public static BenchmarkSettings of(double seconds, int threads) {
    if (!(seconds >= 0)) {
      throw new IllegalArgumentException("seconds must be >= 0 but was " + seconds);
    }
    return seconds == 0 ? new BenchmarkSettings(List.of(), Duration.ZERO, 1, threads)
        : new BenchmarkSettings(List.of(1, 64), Duration.ofMillis(Math.round(seconds * 1000)),
            10, threads);
  }

  /** No speed measurement: for tests and quick runs. */
  public static BenchmarkSettings none() {
    return new BenchmarkSettings(List.of(), Duration.ZERO, 1, 1);
  }
}
