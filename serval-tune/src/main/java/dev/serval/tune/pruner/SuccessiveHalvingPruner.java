package dev.serval.tune.pruner;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.tune.Direction;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.StudyView;
import dev.serval.tune.internal.Checks;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Asynchronous successive halving (ASHA, Li et al. 2020). Rung {@code k} sits at step
 * {@code minResource * reductionFactor^(minEarlyStoppingRate + k)}. When a trial's report
 * crosses a rung, its value there is ranked against every other trial that has reached the
 * rung; it goes on only if it is in the best {@code 1 / reductionFactor} of them (while fewer
 * than {@code reductionFactor} trials have, only if it is the best so far, as in Optuna).
 * A trial's value at a rung is the one it reported at the first step at or after the rung, so
 * the decision is rebuilt from intermediate values alone and is the same on every worker.
 */
public final class SuccessiveHalvingPruner implements Pruner {
  private final int minResource;
  private final int reductionFactor;
  private final int minEarlyStoppingRate;

  private SuccessiveHalvingPruner(Builder b) {
    this.minResource = b.minResource;
    this.reductionFactor = b.reductionFactor;
    this.minEarlyStoppingRate = b.minEarlyStoppingRate;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean shouldPrune(StudyView study, FrozenTrial trial) {
    return prunes(study.direction(), trial, study.trials());
  }

  /** Whether {@code trial} loses at a rung it just crossed, against {@code others}. */
  boolean prunes(Direction direction, FrozenTrial trial, List<FrozenTrial> others) {
    if (trial.intermediate().isEmpty()) {
      return false;
    }
    int last = trial.intermediate().lastKey();
    Integer previous = trial.intermediate().lowerKey(last);
    for (int k = 0; rungStep(k) <= last; k++) {
      double rung = rungStep(k);
      if ((previous == null || rung > previous)
          && !promotable(direction, trial, rung, others)) {
        return true;
      }
    }
    return false;
  }

  private double rungStep(int k) {
    return minResource * Math.pow(reductionFactor, minEarlyStoppingRate + k);
  }

  private boolean promotable(Direction direction, FrozenTrial trial, double rung,
      List<FrozenTrial> others) {
    double value = direction.asLoss(valueAt(trial, rung).orElseThrow());
    double[] losses = others.stream()
        .filter(t -> t.number() != trial.number())
        .map(t -> valueAt(t, rung))
        .filter(OptionalDouble::isPresent)
        .mapToDouble(v -> direction.asLoss(v.getAsDouble()))
        .toArray();
    double[] competing = Arrays.copyOf(losses, losses.length + 1);
    competing[losses.length] = value;
    Arrays.sort(competing);
    int cut = Math.max(0, competing.length / reductionFactor - 1);
    return value <= competing[cut];
  }

  private static OptionalDouble valueAt(FrozenTrial trial, double rung) {
    Map.Entry<Integer, Double> at = trial.intermediate().ceilingEntry((int) Math.ceil(rung));
    return at == null ? OptionalDouble.empty() : OptionalDouble.of(at.getValue());
  }

  /** ASHA settings; the defaults are Optuna's, with the minimum resource explicit. */
  public static final class Builder {
    private int minResource = 1;
    private int reductionFactor = 4;
    private int minEarlyStoppingRate = 0;

    private Builder() {}

    /** Step of the first rung before {@code minEarlyStoppingRate} applies (default 1). */
    public Builder minResource(int minResource) {
      this.minResource = Checks.positive("minResource", minResource);
      return this;
    }

    /** eta: the share promoted at each rung is 1/eta (default 4); at least 2. */
    public Builder reductionFactor(int reductionFactor) {
      require(reductionFactor >= 2, "reductionFactor must be at least 2, got "
          + reductionFactor);
      this.reductionFactor = reductionFactor;
      return this;
    }

    /** s: the first rung is at {@code minResource * eta^s} (default 0). */
    public Builder minEarlyStoppingRate(int minEarlyStoppingRate) {
      this.minEarlyStoppingRate =
          Checks.nonNegative("minEarlyStoppingRate", minEarlyStoppingRate);
      return this;
    }

    public SuccessiveHalvingPruner build() {
      return new SuccessiveHalvingPruner(this);
    }
  }
}
