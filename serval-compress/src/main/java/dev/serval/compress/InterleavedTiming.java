package dev.serval.compress;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Times two models in alternating rounds (A B A B ...), so that a change in the machine's load
 * during the measurement falls on both alike. Each round runs one model {@code runsPerRound}
 * times and records the mean time of a run; the result is the median over rounds of each model.
 * The accuracy gate's speed check and the compression benchmark both time this way.
 */
public final class InterleavedTiming {
  /** Untimed rounds per model first: the first runs in a JVM measured several times slower. */
  private static final int WARMUP_ROUNDS = 3;

  private final int rounds;
  private final int runsPerRound;
  private final LongSupplier nanos;

  /**
   * @param rounds measured rounds per model, after untimed ones
   * @param runsPerRound runs of a model in one round
   * @param nanos the clock runs are timed with
   */
  public InterleavedTiming(int rounds, int runsPerRound, LongSupplier nanos) {
    if (rounds < 1 || runsPerRound < 1) {
      throw new IllegalArgumentException("rounds and runsPerRound must be >= 1 but were "
          + rounds + " and " + runsPerRound);
    }
    this.rounds = rounds;
    this.runsPerRound = runsPerRound;
    this.nanos = Objects.requireNonNull(nanos, "nanos");
  }

  /** Median milliseconds of one run of {@code a} and of {@code b}, in that order. */
  public double[] medianMillis(Runnable a, Runnable b) {
    for (int r = 0; r < WARMUP_ROUNDS; r++) {
      round(a);
      round(b);
    }
    double[] timesA = new double[rounds];
    double[] timesB = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      timesA[r] = round(a);
      timesB[r] = round(b);
    }
    return new double[] {median(timesA), median(timesB)};
  }

  /** Runs measured per model: rounds times runs per round. */
  public int runs() {
    return rounds * runsPerRound;
  }

  private double round(Runnable model) {
    long start = nanos.getAsLong();
    for (int i = 0; i < runsPerRound; i++) {
      model.run();
    }
    return (nanos.getAsLong() - start) / 1e6 / runsPerRound;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
