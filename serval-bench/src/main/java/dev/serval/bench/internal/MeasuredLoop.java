package dev.serval.bench.internal;

/**
 * The closed loop every benchmark thread runs: repeat an operation until a deadline, and count
 * only what completes inside the measured window, so warmup and the ramp-down are left out.
 */
public final class MeasuredLoop {
  /** One repetition. */
  public interface Operation {
    /** Performs the operation once; returns whether it succeeded. */
    boolean attempt();

    /** Called after a failed attempt that completed inside the measured window. */
    default void countFailure() {}
  }

  private MeasuredLoop() {}

  /**
   * Repeats {@code operation} until {@link System#nanoTime()} reaches {@code end}, recording the
   * latency of each success that completes in [{@code measureStart}, {@code end}).
   */
  public static void repeat(Operation operation, long measureStart, long end,
      LatencyHistogram histogram) {
    long start;
    while ((start = System.nanoTime()) < end) {
      boolean success = operation.attempt();
      long finish = System.nanoTime();
      if (finish < measureStart || finish >= end) {
        continue;
      }
      if (success) {
        histogram.record(finish - start);
      } else {
        operation.countFailure();
      }
    }
  }
}
