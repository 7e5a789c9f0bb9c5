package dev.serval.tune.importance;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.tune.Direction;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.Param;
import dev.serval.tune.StudyView;
import dev.serval.tune.TrialState;
import dev.serval.tune.importance.internal.GridDensity;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter importances by PED-ANOVA (Watanabe et al., 2023): for each parameter, how far the
 * density of its values among the best trials (the top {@code targetQuantile} of the complete
 * ones) is from their density among all complete trials, measured by the Pearson divergence of
 * kernel density estimates on a grid. A parameter whose good values are spread like all values
 * does not matter; one whose good values crowd into a corner does. Shares are normalised to sum
 * to 1. Only parameters set in every complete trial take part (conditional ones often are not).
 * Cheap: no model is fitted, so it can answer every dashboard refresh.
 */
public final class PedAnova {
  public static final String METHOD = "ped-anova";
  /** Fewer top trials than this cannot form a density. */
  private static final int MIN_TOP_TRIALS = 2;

  private final double targetQuantile;
  private final int gridPoints;
  private final int minTrials;

  private PedAnova(Builder b) {
    this.targetQuantile = b.targetQuantile;
    this.gridPoints = b.gridPoints;
    this.minTrials = b.minTrials;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * @throws NotEnoughTrialsException with fewer than {@code minTrials} complete trials, or when no
   *     parameter is set in all of them
   */
  public ParamImportances evaluate(StudyView study) {
    List<FrozenTrial> complete = study.trials(TrialState.COMPLETE).stream()
        .filter(t -> t.value().isPresent() && Double.isFinite(t.value().getAsDouble()))
        .toList();
    if (complete.size() < minTrials) {
      throw new NotEnoughTrialsException("study " + study.name() + " has " + complete.size()
          + " complete trials; parameter importances need at least " + minTrials
          + ". Run more trials, then ask again");
    }
    List<Param> params = study.space().params().stream()
        .filter(p -> complete.stream().allMatch(t -> t.params().containsKey(p.name())))
        .toList();
    if (params.isEmpty()) {
      throw new NotEnoughTrialsException("study " + study.name() + " has no parameter that is"
          + " set in every complete trial, so there is nothing to compare");
    }
    List<FrozenTrial> top = best(complete, study.direction());
    Map<String, Double> divergences = new LinkedHashMap<>();
    for (Param param : params) {
      GridDensity grid = GridDensity.of(param, gridPoints);
      divergences.put(param.name(), pearson(grid.density(values(complete, param)),
          grid.density(values(top, param))));
    }
    return new ParamImportances(METHOD, shares(divergences), complete.size());
  }

  private List<FrozenTrial> best(List<FrozenTrial> complete, Direction direction) {
    int n = complete.size();
    int size = Math.min(n - 1, Math.max(MIN_TOP_TRIALS, (int) Math.ceil(targetQuantile * n)));
    return complete.stream()
        .sorted(Comparator.comparingDouble(t -> direction.asLoss(t.value().getAsDouble())))
        .limit(size)
        .toList();
  }

  private static List<Object> values(List<FrozenTrial> trials, Param param) {
    return trials.stream().map(t -> t.params().get(param.name())).toList();
  }

  /** Pearson divergence of {@code top} from {@code all}: sum of all * (top / all - 1)^2. */
  private static double pearson(double[] all, double[] top) {
    double divergence = 0;
    for (int g = 0; g < all.length; g++) {
      double ratio = top[g] / all[g] - 1;
      divergence += all[g] * ratio * ratio;
    }
    return divergence;
  }

  /** Normalised to sum to 1, largest first; all equal when no parameter diverges. */
  private static Map<String, Double> shares(Map<String, Double> divergences) {
    double total = divergences.values().stream().mapToDouble(Double::doubleValue).sum();
    Map<String, Double> shares = new LinkedHashMap<>();
    divergences.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> shares.put(e.getKey(),
            total > 0 ? e.getValue() / total : 1.0 / divergences.size()));
    return shares;
  }

  /** Configures the evaluator; the defaults follow the paper and Optuna. */
  public static final class Builder {
    private double targetQuantile = 0.1;
    private int gridPoints = 64;
    private int minTrials = 5;

    private Builder() {}

    /** Share of the complete trials, best first, that counts as good (default 0.1). */
    public Builder targetQuantile(double quantile) {
      require(quantile > 0 && quantile < 1, "targetQuantile must be within (0, 1), got "
          + quantile);
      this.targetQuantile = quantile;
      return this;
    }

    /** Points at which continuous densities are compared (default 64). */
    public Builder gridPoints(int points) {
      require(points >= 2, "gridPoints must be at least 2, got " + points);
      this.gridPoints = points;
      return this;
    }

    /** Complete trials needed before importances are given (default 5, at least 3). */
    public Builder minTrials(int trials) {
      require(trials >= MIN_TOP_TRIALS + 1, "minTrials must be at least "
          + (MIN_TOP_TRIALS + 1) + ", got " + trials);
      this.minTrials = trials;
      return this;
    }

    public PedAnova build() {
      return new PedAnova(this);
    }
  }
}
