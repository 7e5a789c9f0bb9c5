package dev.serval.tune.sampler;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.Param;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.StudyView;
import dev.serval.tune.internal.Checks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011) as Optuna 3.1 implements it, with its
 * defaults: after {@code startupTrials} random trials, the observed trials are split into the
 * good ones and the rest ({@link TpeSplit}: one or several objectives, constraints); each side
 * becomes a {@link ParzenEstimator}, and of {@code eiCandidates} draws from the good side's
 * estimator l the one with the largest l(x)/g(x) is chosen.
 *
 * <p>Independent by default: one estimator pair per parameter. {@code multivariate(true)} models
 * the parameters without a condition jointly (one kernel per trial over all of them, Scott's
 * bandwidth rule) and draws the conditional ones independently.
 */
public final class TpeSampler implements Sampler {
  private final int startupTrials;
  private final int eiCandidates;
  private final double priorWeight;
  private final boolean multivariate;
  /** The split of the trial being sampled, shared by its parameters' independent samples. */
  private final AtomicReference<CachedSplit> lastSplit = new AtomicReference<>();

  private TpeSampler(Builder b) {
    this.startupTrials = b.startupTrials;
    this.eiCandidates = b.eiCandidates;
    this.priorWeight = b.priorWeight;
    this.multivariate = b.multivariate;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Map<String, Object> sampleRelative(StudyView study, SamplingContext trial) {
    if (!multivariate) {
      return Map.of();
    }
    List<Param> joint = jointParams(study.space());
    List<FrozenTrial> observed = TpeSplit.observed(study);
    if (joint.isEmpty() || observed.size() < startupTrials) {
      return Map.of();
    }
    return sample(study, joint, observed, trial);
  }

  /** The parameters every trial has that can take more than one value. */
  private static List<Param> jointParams(SearchSpace space) {
    return space.params().stream()
        .filter(p -> space.condition(p.name()).isEmpty())
        .filter(p -> !(p instanceof CategoricalParam c) || c.choices().size() > 1)
        .toList();
  }

  @Override
  public Object sampleIndependent(StudyView study, SamplingContext trial, Param param) {
    List<FrozenTrial> observed = TpeSplit.observed(study);
    if (observed.size() < startupTrials) {
      return param.fromUnit(trial.random().nextDouble());
    }
    return sample(study, List.of(param), observed, trial).get(param.name());
  }

  @Override
  public boolean supportsMultiObjective() {
    return true;
  }

  private Map<String, Object> sample(StudyView study, List<Param> params,
      List<FrozenTrial> observed, SamplingContext trial) {
    RandomGenerator random = trial.random();
    TpeSplit split = split(study, observed, trial.trialNumber());
    Observations below = Observations.of(params, split.below(), split.belowWeights());
    Observations above = Observations.of(params, split.above(), null);
    ParzenEstimator l = new ParzenEstimator(params, below.points(), below.weights(),
        priorWeight, multivariate);
    ParzenEstimator g = new ParzenEstimator(params, above.points(), above.weights(),
        priorWeight, multivariate);
    double[] best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < eiCandidates; i++) {
      double[] x = l.sample(random);
      double score = l.logPdf(x) - g.logPdf(x);
      if (best == null || score > bestScore) {
        best = x;
        bestScore = score;
      }
    }
    return decode(params, best);
  }

  /**
   * The split for this trial, computed once per ask: the same study, trial and observed trials
   * (complete and pruned ones only ever grow in number) give the same split.
   */
  private TpeSplit split(StudyView study, List<FrozenTrial> observed, int trialNumber) {
    CachedSplit cached = lastSplit.get();
    if (cached != null && cached.study() == study && cached.trial() == trialNumber
        && cached.observed() == observed.size()) {
      return cached.split();
    }
    TpeSplit split = TpeSplit.of(study, observed);
    lastSplit.set(new CachedSplit(study, trialNumber, observed.size(), split));
    return split;
  }

  /** A split and what it was computed for; {@code study} is compared by identity. */
  private record CachedSplit(StudyView study, int trial, int observed, TpeSplit split) {}

  private static Map<String, Object> decode(List<Param> params, double[] x) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int p = 0; p < x.length; p++) {
      Param param = params.get(p);
      values.put(param.name(), param instanceof CategoricalParam c
          ? c.choices().get((int) x[p])
          : NumericDomain.of(param).toValue(x[p]));
    }
    return values;
  }

  /**
   * The trials of one side that have all {@code params}, as model-space points, with their
   * weights: given (several objectives) or Optuna's default ramp.
   */
  private record Observations(double[][] points, double[] weights) {
    static Observations of(List<Param> params, List<FrozenTrial> trials, double[] given) {
      List<String> names = params.stream().map(Param::name).toList();
      List<Integer> usable = IntStream.range(0, trials.size())
          .filter(i -> trials.get(i).params().keySet().containsAll(names))
          .boxed().toList();
      double[][] points = new double[usable.size()][params.size()];
      for (int p = 0; p < params.size(); p++) {
        Param param = params.get(p);
        ToDoubleFunction<Object> model = param instanceof CategoricalParam c
            ? c.choices()::indexOf
            : NumericDomain.of(param)::toModel;
        for (int i = 0; i < points.length; i++) {
          points[i][p] = model.applyAsDouble(trials.get(usable.get(i)).params().get(param.name()));
        }
      }
      double[] weights = given == null
          ? TpeSplit.defaultWeights(points.length)
          : usable.stream().mapToDouble(i -> given[i]).toArray();
      return new Observations(points, weights);
    }
  }

  /** TPE settings; the defaults are Optuna's. */
  public static final class Builder {
    private int startupTrials = 10;
    private int eiCandidates = 24;
    private double priorWeight = 1.0;
    private boolean multivariate;

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

    /**
     * Whether to model the parameters without a condition jointly (default false: each
     * parameter on its own, as Optuna's default).
     */
    public Builder multivariate(boolean multivariate) {
      this.multivariate = multivariate;
      return this;
    }

    public TpeSampler build() {
      return new TpeSampler(this);
    }
  }
}
