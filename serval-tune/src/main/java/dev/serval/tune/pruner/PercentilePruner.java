package dev.serval.tune.pruner;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.tune.Direction;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.StudyView;
import dev.serval.tune.TrialState;
import dev.serval.tune.internal.Checks;
import java.util.Arrays;
import java.util.Collection;

/**
 * Prunes a trial whose best intermediate value so far is worse than the given percentile of the
 * complete trials' values at the same step (Optuna's rule). Checks start after
 * {@code startupTrials} complete trials and {@code warmupSteps} steps, and run every
 * {@code intervalSteps} steps after the warm-up.
 */
public final class PercentilePruner implements Pruner {
  private final double percentile;
  private final int startupTrials;
  private final int warmupSteps;
  private final int intervalSteps;
  private final int minTrials;

  private PercentilePruner(Builder b) {
    this.percentile = b.percentile;
    this.startupTrials = b.startupTrials;
    this.warmupSteps = b.warmupSteps;
    this.intervalSteps = b.intervalSteps;
    this.minTrials = b.minTrials;
  }

  /** {@code percentile} in [0, 100]: 25 keeps only trials in the best quarter. */
  public static Builder builder(double percentile) {
    return new Builder(percentile);
  }

  @Override
  public boolean shouldPrune(StudyView study, FrozenTrial trial) {
    if (trial.intermediate().isEmpty()) {
      return false;
    }
    int step = trial.intermediate().lastKey();
    if (step < warmupSteps || (step - warmupSteps) % intervalSteps != 0) {
      return false;
    }
    var complete = study.trials(TrialState.COMPLETE);
    double[] others = complete.stream()
        .filter(t -> t.intermediate().containsKey(step))
        .mapToDouble(t -> t.intermediate().get(step))
        .toArray();
    if (complete.size() < startupTrials || others.length < minTrials || others.length == 0) {
      return false;
    }
    Direction direction = study.direction();
    double best = best(trial.intermediate().values(), direction);
    double cut = percentileOf(others, direction == Direction.MINIMIZE
        ? percentile
        : 100 - percentile);
    return direction.isBetter(cut, best);
  }

  private static double best(Collection<Double> values, Direction direction) {
    return values.stream().reduce((a, b) -> direction.isBetter(b, a) ? b : a).orElseThrow();
  }

  /** Linear interpolation between closest ranks, as numpy's default. */
  static double percentileOf(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double rank = p / 100 * (sorted.length - 1);
    int below = (int) Math.floor(rank);
    int above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
  }

  /** Pruner settings; the defaults are Optuna's. */
  public static final class Builder {
    private final double percentile;
    private int startupTrials = 5;
    private int warmupSteps = 0;
    private int intervalSteps = 1;
    private int minTrials = 1;

    private Builder(double percentile) {
      require(percentile >= 0 && percentile <= 100,
          "percentile must be in [0, 100], got " + percentile);
      this.percentile = percentile;
    }

    /** Complete trials needed before pruning starts (default 5). */
    public Builder startupTrials(int startupTrials) {
      this.startupTrials = Checks.nonNegative("startupTrials", startupTrials);
      return this;
    }

    /** Steps of a trial never pruned (default 0). */
    public Builder warmupSteps(int warmupSteps) {
      this.warmupSteps = Checks.nonNegative("warmupSteps", warmupSteps);
      return this;
    }

    /** Check every this many steps after the warm-up (default 1). */
    public Builder intervalSteps(int intervalSteps) {
      this.intervalSteps = Checks.positive("intervalSteps", intervalSteps);
      return this;
    }

    /** Complete trials that must have reported the step (default 1). */
    public Builder minTrials(int minTrials) {
      this.minTrials = Checks.positive("minTrials", minTrials);
      return this;
    }

    public PercentilePruner build() {
      return new PercentilePruner(this);
    }
  }
}
