package dev.serval.tune.sampler;

import java.util.Arrays;

import dev.serval.tune.FrozenTrial;
import dev.serval.tune.Param;
import dev.serval.tune.StudyView;
import dev.serval.tune.TrialState;
import dev.serval.tune.internal.Checks;
import dev.serval.tune.sampler.internal.GaussianProcess;
import dev.serval.tune.sampler.internal.GpHyperparameters;
import dev.serval.tune.sampler.internal.MarginalLikelihoodFit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * Gaussian-process Bayesian optimisation. After {@code startupTrials} quasi-random trials, the
 * complete trials are modelled in the unit cube ({@link UnitCube}: log scales, grids, one-hot
 * categoricals) by a GP with a Matérn 5/2 ARD kernel on log-warped, standardised losses, its
 * hyperparameters fitted by maximum marginal likelihood; the next point maximises log expected
 * improvement over random candidates, points near the best trials and a local search from the best
 * of them. Parameters with a condition are not modelled and are drawn at random.
 *
 * <p>As Optuna's GP sampler does, each fit starts from the hyperparameters of the previous fit
 * for the same study, which makes it several times cheaper; a fresh sampler with the same seed
 * and history still gives the same suggestions.
 */
public final class GpSampler implements Sampler {
  private static final int FIT_ITERATIONS = 40;
  /**
   * A fit that starts from the previous one is near its optimum; more steps cost a Cholesky
   * factorisation and an inverse each and, at 200 trials, mostly move the fit within its noise.
   */
  private static final int WARM_FIT_ITERATIONS = 10;
  private static final int RANDOM_FIT_STARTS = 1;
  private static final int NEIGHBOURS_OF_BEST = 5;
  private static final int REFINED_CANDIDATES = 3;
  private static final int REFINE_STEPS = 40;

  private final int startupTrials;
  private final int candidates;
  private final QmcSampler startup = new QmcSampler();
  private final Map<String, GpHyperparameters> lastFit = new ConcurrentHashMap<>();

  private GpSampler(Builder b) {
    this.startupTrials = b.startupTrials;
    this.candidates = b.candidates;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Map<String, Object> sampleRelative(StudyView study, SamplingContext trial) {
    UnitCube cube = UnitCube.unconditional(study.space(), false);
    List<FrozenTrial> observed = study.trials(TrialState.COMPLETE).stream()
        .filter(t -> cube.covers(t.params()))
        .toList();
    if (observed.size() < startupTrials) {
      return startup.sampleRelative(study, trial);
    }
    double[][] x = observed.stream().map(t -> cube.encode(t.params())).toArray(double[][]::new);
    double[] y = standardisedLosses(study, observed);
    RandomGenerator random = trial.random();
    GpHyperparameters fitted = fitHyperparameters(x, y, lastFit.get(study.name()), random);
    lastFit.put(study.name(), fitted);
    GaussianProcess gp = GaussianProcess.condition(x, y, fitted);
    double best = Arrays.stream(y).min().orElseThrow();
    Acquisition acquisition = new Acquisition(cube, gp, best);
    return cube.decode(acquisition.maximise(candidateStarts(cube, x, y, random), random));
  }

  @Override
  public Object sampleIndependent(StudyView study, SamplingContext trial, Param param) {
    return param.fromUnit(trial.random().nextDouble());
  }

  private static double[] standardisedLosses(StudyView study, List<FrozenTrial> trials) {
    double[] loss = trials.stream()
        .mapToDouble(t -> study.direction().asLoss(t.value().orElseThrow()))
        .toArray();
    loss = logWarped(loss);
    double mean = Arrays.stream(loss).average().orElseThrow();
    double variance = Arrays.stream(loss).map(v -> (v - mean) * (v - mean))
        .average().orElseThrow();
    double sd = variance > 0 ? Math.sqrt(variance) : 1;
    return Arrays.stream(loss).map(v -> (v - mean) / sd).toArray();
  }

  /**
   * Output warping for skewed losses (skewness above 1): {@code log(y - min + (median - min))}.
   * Heavy-tailed losses (Rosenbrock's span six decades) would otherwise let the few worst trials
   * set the GP's scale and flatten it where the good trials are; the offset keeps the best values
   * apart without stretching the gaps between them to infinity. Symmetric losses are left alone.
   */
  private static double[] logWarped(double[] loss) {
    if (skewness(loss) <= 1) {
      return loss;
    }
    double[] sorted = loss.clone();
    Arrays.sort(sorted);
    double min = sorted[0];
    double offset = Math.max(sorted[sorted.length / 2] - min, 1e-12 * Math.max(1, Math.abs(min)));
    return Arrays.stream(loss).map(v -> Math.log(v - min + offset)).toArray();
  }

  private static double skewness(double[] v) {
    double mean = Arrays.stream(v).average().orElseThrow();
    double m2 = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).average().orElseThrow();
    double m3 = Arrays.stream(v).map(x -> (x - mean) * (x - mean) * (x - mean)).average()
        .orElseThrow();
    return m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0;
  }

  /** From the previous fit if there is one, else from the default and a random point. */
  private static GpHyperparameters fitHyperparameters(double[][] x, double[] y,
      GpHyperparameters previous, RandomGenerator random) {
    int dims = x[0].length;
    if (previous != null && previous.logLengthScales().length == dims) {
      return new MarginalLikelihoodFit(x, y).fit(List.of(previous), WARM_FIT_ITERATIONS);
    }
    List<GpHyperparameters> starts = new ArrayList<>();
    starts.add(GpHyperparameters.initial(dims));
    for (int s = 0; s < RANDOM_FIT_STARTS; s++) {
      double[] scales = new double[dims];
      for (int d = 0; d < dims; d++) {
        scales[d] = Math.log(0.05 + random.nextDouble() * 2);
      }
      starts.add(new GpHyperparameters(scales, 0, Math.log(1e-4)));
    }
    return new MarginalLikelihoodFit(x, y).fit(starts, FIT_ITERATIONS);
  }

  /** Uniform points plus Gaussian steps around the best trials, where EI tends to peak. */
  private List<double[]> candidateStarts(UnitCube cube, double[][] x, double[] y,
      RandomGenerator random) {
    List<double[]> points = new ArrayList<>();
    for (int c = 0; c < candidates; c++) {
      double[] u = new double[cube.dimension()];
      for (int k = 0; k < u.length; k++) {
        u[k] = random.nextDouble();
      }
      points.add(u);
    }
    Integer[] order = new Integer[y.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(y[a], y[b]));
    int neighbours = Math.min(NEIGHBOURS_OF_BEST, order.length);
    for (int c = 0; c < candidates; c++) {
      double[] centre = x[order[c % neighbours]];
      double scale = Math.pow(10, -1 - 2 * random.nextDouble());
      points.add(perturb(cube, centre, scale, random));
    }
    return points;
  }

  /**
   * A Gaussian step of {@code scale} on the numeric coordinates; each one-hot block moves to a
   * random choice with a small probability, so local search can leave a category.
   */
  private static double[] perturb(UnitCube cube, double[] centre, double scale,
      RandomGenerator random) {
    double[] u = centre.clone();
    for (int k = 0; k < u.length; k++) {
      if (cube.isCategorical(k)) {
        if (random.nextDouble() < 0.1 / u.length) {
          u[k] += 2;
        }
      } else {
        u[k] = Math.min(1, Math.max(0, u[k] + scale * random.nextGaussian()));
      }
    }
    return u;
  }

  /** Log EI over the cube, maximised by screening then a shrinking random local search. */
  private record Acquisition(UnitCube cube, GaussianProcess gp, double best) {
    double value(double[] u) {
      GaussianProcess.Prediction p = gp.predict(u);
      return ExpectedImprovement.log(p.mean(), p.variance(), best);
    }

    double[] maximise(List<double[]> starts, RandomGenerator random) {
      List<Scored> screened = new ArrayList<>();
      for (double[] start : starts) {
        double[] u = cube.snap(start);
        screened.add(new Scored(u, value(u)));
      }
      screened.sort((a, b) -> Double.compare(b.value(), a.value()));
      Scored best = screened.get(0);
      for (Scored start : screened.subList(0, Math.min(REFINED_CANDIDATES, screened.size()))) {
        Scored refined = refine(start, random);
        if (refined.value() > best.value()) {
          best = refined;
        }
      }
      return best.point();
    }

    private Scored refine(Scored start, RandomGenerator random) {
      Scored current = start;
      double scale = 0.05;
      for (int step = 0; step < REFINE_STEPS; step++) {
        double[] u = cube.snap(perturb(cube, current.point(), scale, random));
        double v = value(u);
        if (v > current.value()) {
          current = new Scored(u, v);
        } else {
          scale = Math.max(scale * 0.7, 1e-5);
        }
      }
      return current;
    }
  }

  private record Scored(double[] point, double value) {}

  /** GP settings. */
  public static final class Builder {
    private int startupTrials = 10;
    private int candidates = 256;

    private Builder() {}

    /** Quasi-random trials before the GP starts modelling (default 10, at least 2). */
    public Builder startupTrials(int startupTrials) {
      Checks.require(startupTrials >= 2, "startupTrials must be at least 2, got "
          + startupTrials);
      this.startupTrials = startupTrials;
      return this;
    }

    /** Random candidates screened per suggestion, and as many near the best trials. */
    public Builder candidates(int candidates) {
      this.candidates = Checks.positive("candidates", candidates);
      return this;
    }

    public GpSampler build() {
      return new GpSampler(this);
    }
  }
}
