package dev.serval.bench.internal;

import dev.serval.core.Tensor;
import dev.serval.core.runtime.LoadedModel;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Times two models on the same inputs in alternating rounds (A B A B ...), so that a change in
 * the machine's load during the measurement falls on both alike. Each round runs one model
 * {@code runsPerRound} times and records the mean time of a run; the result is the median over
 * rounds of each model.
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
    this.rounds = Checks.positive("rounds", rounds);
    this.runsPerRound = Checks.positive("runsPerRound", runsPerRound);
    this.nanos = nanos;
  }

  /** Median milliseconds of one run of {@code a} and of {@code b}, in that order. */
  public double[] medianMillis(LoadedModel a, LoadedModel b, List<Tensor> inputs) {
    for (int r = 0; r < WARMUP_ROUNDS; r++) {
      round(a, inputs);
      round(b, inputs);
    }
    double[] timesA = new double[rounds];
    double[] timesB = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      timesA[r] = round(a, inputs);
      timesB[r] = round(b, inputs);
    }
    return new double[] {median(timesA), median(timesB)};
  }

  private double round(LoadedModel model, List<Tensor> inputs) {
    long start = nanos.getAsLong();
    for (int i = 0; i < runsPerRound; i++) {
      model.run(inputs, Set.of());
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
