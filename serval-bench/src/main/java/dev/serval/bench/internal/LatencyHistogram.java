package dev.serval.bench.internal;

import dev.serval.bench.LatencySummary;

/**
 * A fixed-memory histogram of non-negative values (nanoseconds) with logarithmic buckets, in the
 * manner of HdrHistogram: values below 256 are exact, larger ones fall into buckets no wider than
 * 1/128 of their lower bound, so a percentile is reported at most 0.8% above the true value.
 *
 * <p>Not thread-safe: each client thread records into its own histogram and the owner merges
 * them with {@link #add} once the threads are done.
 */
public final class LatencyHistogram {
  private static final int PRECISION_BITS = 8;
  private static final int EXACT_LIMIT = 1 << PRECISION_BITS;
  private static final int HALF = EXACT_LIMIT / 2;
  private static final int BUCKETS = EXACT_LIMIT + (63 - PRECISION_BITS) * HALF;

  private final long[] counts = new long[BUCKETS];
  private long total;
  private long max;

  /**
   * Records one value.
   *
   * @throws IllegalArgumentException when {@code value} is negative
   */
  public void record(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("value must be >= 0 but was " + value);
    }
    counts[indexOf(value)]++;
    total++;
    max = Math.max(max, value);
  }

  /** Adds every value recorded in {@code other} to this histogram. */
  public void add(LatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  public long count() {
    return total;
  }

  public long max() {
    return max;
  }

  /**
   * The smallest recorded value such that at least {@code percentile}% of the values are at or
   * below it, rounded up to its bucket's upper bound (but never above the maximum); 0 when empty.
   *
   * @throws IllegalArgumentException when {@code percentile} is outside (0, 100]
   */
  public long percentile(double percentile) {
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100] but was " + percentile);
    }
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(upperBound(i), max);
      }
    }
    return max;
  }

  public LatencySummary summary() {
    return new LatencySummary(total, percentile(50), percentile(90), percentile(99), max);
  }

  static int indexOf(long value) {
    if (value < EXACT_LIMIT) {
      return (int) value;
    }
    int shift = 63 - Long.numberOfLeadingZeros(value) - PRECISION_BITS + 1;
    int mantissa = (int) (value >>> shift);
    return EXACT_LIMIT + (shift - 1) * HALF + (mantissa - HALF);
  }

  static long upperBound(int index) {
    if (index < EXACT_LIMIT) {
      return index;
    }
    int shift = (index - EXACT_LIMIT) / HALF + 1;
    long mantissa = (index - EXACT_LIMIT) % HALF + HALF;
    long next = (mantissa + 1) << shift;
    // the topmost bucket's bound does not fit in a long
    return next <= 0 ? Long.MAX_VALUE : next - 1;
  }
}
