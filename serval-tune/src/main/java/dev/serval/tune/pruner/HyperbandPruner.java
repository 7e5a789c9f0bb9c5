package dev.serval.tune.pruner;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.tune.FrozenTrial;
import dev.serval.tune.StudyView;
import dev.serval.tune.internal.Checks;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Hyperband (Li et al. 2018) on top of {@link SuccessiveHalvingPruner}: brackets
 * {@code b = 0 .. floor(log_eta(maxResource / minResource))} run ASHA with minimum early-stopping
 * rate {@code b}, so bracket 0 prunes most aggressively and later ones start pruning later. A trial's bracket is drawn from the study seed and its number, with
 * each bracket weighted by Hyperband's trial count {@code ceil((sMax + 1) / (s + 1) * eta^s)}
 * for its {@code s} halvings; trials compete only within their bracket.
 */
public final class HyperbandPruner implements Pruner {
  private final List<SuccessiveHalvingPruner> brackets;
  private final long[] cumulativeBudget;

  private HyperbandPruner(Builder b) {
    int maxHalvings = (int) Math.floor(
        Math.log((double) b.maxResource / b.minResource) / Math.log(b.reductionFactor) + 1e-9);
    this.brackets = IntStream.rangeClosed(0, maxHalvings)
        .mapToObj(rate -> SuccessiveHalvingPruner.builder().minResource(b.minResource)
            .reductionFactor(b.reductionFactor).minEarlyStoppingRate(rate).build())
        .toList();
    this.cumulativeBudget = new long[brackets.size()];
    long total = 0;
    for (int bracket = 0; bracket < brackets.size(); bracket++) {
      int halvings = maxHalvings - bracket;
      total += (long) Math.ceil(
          (maxHalvings + 1.0) / (halvings + 1) * Math.pow(b.reductionFactor, halvings));
      cumulativeBudget[bracket] = total;
    }
  }

  /** Hyperband needs the largest step a trial reports, {@code maxResource}. */
  public static Builder builder(int maxResource) {
    return new Builder(maxResource);
  }

  /** The number of brackets. */
  public int bracketCount() {
    return brackets.size();
  }

  /** The bracket trial {@code trialNumber} of a study seeded {@code seed} belongs to. */
  public int bracketOf(long seed, int trialNumber) {
    long total = cumulativeBudget[cumulativeBudget.length - 1];
    long draw = new SplittableRandom(seed ^ (0xA24BAED4963EE407L * (trialNumber + 1L)))
        .nextLong(total);
    int bracket = 0;
    while (draw >= cumulativeBudget[bracket]) {
      bracket++;
    }
    return bracket;
  }

  @Override
  public boolean shouldPrune(StudyView study, FrozenTrial trial) {
    int bracket = bracketOf(study.seed(), trial.number());
    List<FrozenTrial> sameBracket = study.trials().stream()
        .filter(t -> bracketOf(study.seed(), t.number()) == bracket)
        .toList();
    return brackets.get(bracket).prunes(study.direction(), trial, sameBracket);
  }

  /** Hyperband settings. */
  public static final class Builder {
    private final int maxResource;
    private int minResource = 1;
    private int reductionFactor = 3;

    private Builder(int maxResource) {
      this.maxResource = Checks.positive("maxResource", maxResource);
    }

    /** Step of the first rung of bracket 0 (default 1); at most {@code maxResource}. */
    public Builder minResource(int minResource) {
      this.minResource = Checks.positive("minResource", minResource);
      return this;
    }

    /** eta, as for {@link SuccessiveHalvingPruner} (default 3); at least 2. */
    public Builder reductionFactor(int reductionFactor) {
      require(reductionFactor >= 2, "reductionFactor must be at least 2, got "
          + reductionFactor);
      this.reductionFactor = reductionFactor;
      return this;
    }

    public HyperbandPruner build() {
      require(minResource <= maxResource, "minResource must not exceed maxResource "
          + maxResource + ", got " + minResource);
      return new HyperbandPruner(this);
    }
  }
}
