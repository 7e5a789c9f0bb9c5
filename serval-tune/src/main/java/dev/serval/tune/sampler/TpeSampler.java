package dev.serval.tune.sampler;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.FloatParam;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.IntParam;
import dev.serval.tune.Param;
import dev.serval.tune.StudyView;
import dev.serval.tune.TrialState;
import dev.serval.tune.internal.Checks;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Independent Tree-structured Parzen Estimator (Bergstra et al. 2011) with Optuna's defaults:
 * after {@code startupTrials} random trials, complete trials holding the parameter are split
 * into the best {@code min(ceil(0.1 n), 25)} ("below") and the rest; each side becomes a Parzen
 * estimator with a prior, and of {@code eiCandidates} draws from the "below" estimator the one
 * with the largest density ratio l(x)/g(x) — the expected-improvement maximizer — is chosen.
 */
public final class TpeSampler implements Sampler {
  private static final int FLAT_WEIGHTS = 25;

  private final int startupTrials;
  private final int eiCandidates;
  private final double priorWeight;

  private TpeSampler(Builder b) {
    this.startupTrials = b.startupTrials;
    this.eiCandidates = b.eiCandidates;
    this.priorWeight = b.priorWeight;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Object sampleIndependent(StudyView study, SamplingContext trial, Param param) {
    List<FrozenTrial> complete = study.trials(TrialState.COMPLETE);
    RandomGenerator random = trial.random();
    if (complete.size() < startupTrials) {
      return param.fromUnit(random.nextDouble());
    }
    List<FrozenTrial> ranked = complete.stream()
        .filter(t -> t.params().containsKey(param.name()))
        .sorted(Comparator.comparingDouble(
            (FrozenTrial t) -> study.direction().asLoss(t.value().orElseThrow())))
        .toList();
    int nBelow = Math.min((int) Math.ceil(0.1 * ranked.size()), FLAT_WEIGHTS);
    Observations below = Observations.of(ranked.subList(0, nBelow), param.name());
    Observations above = Observations.of(ranked.subList(nBelow, ranked.size()), param.name());
    if (param instanceof CategoricalParam c) {
      return sampleCategorical(c, below, above, random);
    }
    NumericDomain domain = param instanceof FloatParam f
        ? NumericDomain.of(f)
        : NumericDomain.of((IntParam) param);
    return sampleNumeric(domain, below, above, random);
  }

  private Object sampleNumeric(NumericDomain domain, Observations below, Observations above,
      RandomGenerator random) {
    ParzenEstimator l = new ParzenEstimator(domain, below.numeric(domain), below.weights(),
        priorWeight);
    ParzenEstimator g = new ParzenEstimator(domain, above.numeric(domain), above.weights(),
        priorWeight);
    double best = Double.NaN;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < eiCandidates; i++) {
      double x = l.sample(random);
      double score = l.logPdf(x) - g.logPdf(x);
      if (Double.isNaN(best) || score > bestScore) {
        best = x;
        bestScore = score;
      }
    }
    return domain.toValue(best);
  }

  private Object sampleCategorical(CategoricalParam param, Observations below,
      Observations above, RandomGenerator random) {
    double[] l = below.choiceProbabilities(param, priorWeight);
    double[] g = above.choiceProbabilities(param, priorWeight);
    int best = -1;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < eiCandidates; i++) {
      int c = draw(l, random);
      double score = Math.log(l[c]) - Math.log(g[c]);
      if (best < 0 || score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    return param.choices().get(best);
  }

  private static int draw(double[] probabilities, RandomGenerator random) {
    double u = random.nextDouble();
    for (int c = 0; c < probabilities.length - 1; c++) {
      u -= probabilities[c];
      if (u < 0) {
        return c;
      }
    }
    return probabilities.length - 1;
  }

  /** One side of the split, in trial order so that recent trials weigh more. */
  private record Observations(List<Object> values) {
    static Observations of(List<FrozenTrial> trials, String name) {
      return new Observations(trials.stream()
          .sorted(Comparator.comparingInt(FrozenTrial::number))
          .map(t -> t.params().get(name))
          .toList());
    }

    double[] numeric(NumericDomain domain) {
      return values.stream().mapToDouble(domain::toModel).toArray();
    }

    /** Optuna's weights: flat for the newest 25, a linear ramp from 1/n for older ones. */
    double[] weights() {
      int n = values.size();
      double[] w = new double[n];
      int ramp = Math.max(0, n - FLAT_WEIGHTS);
      for (int i = 0; i < n; i++) {
        w[i] = i < ramp ? (ramp == 1 ? 1.0 / n : 1.0 / n + i * (1 - 1.0 / n) / (ramp - 1)) : 1;
      }
      return w;
    }

    /**
     * The mixture of one kernel per observation (its choice plus prior smoothing) and a uniform
     * prior kernel, weighted as the numeric estimator is.
     */
    double[] choiceProbabilities(CategoricalParam param, double priorWeight) {
      int k = param.choices().size();
      double[] w = weights();
      double total = priorWeight;
      double[] p = new double[k];
      for (int c = 0; c < k; c++) {
        p[c] = priorWeight / k;
      }
      for (int i = 0; i < w.length; i++) {
        int chosen = param.choices().indexOf(values.get(i));
        for (int c = 0; c < k; c++) {
          double kernel = (priorWeight / k + (c == chosen ? 1 : 0)) / (1 + priorWeight);
          p[c] += w[i] * kernel;
        }
        total += w[i];
      }
      for (int c = 0; c < k; c++) {
        p[c] /= total;
      }
      return p;
    }
  }

  /** TPE settings; the defaults are Optuna's. */
  public static final class Builder {
    private int startupTrials = 10;
    private int eiCandidates = 24;
    private double priorWeight = 1.0;

    private Builder() {}

    /** Random trials before TPE starts modelling (default 10). */
    public Builder startupTrials(int startupTrials) {
      this.startupTrials = Checks.nonNegative("startupTrials", startupTrials);
      return this;
    }

    /** Candidates drawn per suggestion (default 24). */
    public Builder eiCandidates(int eiCandidates) {
      this.eiCandidates = Checks.positive("eiCandidates", eiCandidates);
      return this;
    }

    /** Weight of the prior kernel relative to one observation (default 1). */
    public Builder priorWeight(double priorWeight) {
      require(priorWeight > 0 && Double.isFinite(priorWeight),
          "priorWeight must be positive, got " + priorWeight);
      this.priorWeight = priorWeight;
      return this;
    }

    public TpeSampler build() {
      return new TpeSampler(this);
    }
  }
}
