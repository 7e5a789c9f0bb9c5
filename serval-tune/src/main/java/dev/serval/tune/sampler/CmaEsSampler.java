package dev.serval.tune.sampler;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.tune.FrozenTrial;
import dev.serval.tune.Param;
import dev.serval.tune.StudyView;
import dev.serval.tune.sampler.internal.CmaState;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * CMA-ES over the numeric parameters without a condition, mapped to the unit cube as
 * {@link UnitCube} does (log scales, grids rounded on decoding); categorical and conditional
 * parameters are drawn at random. Each trial is tagged with the generation it was sampled from
 * (user attribute {@value #GENERATION}); a generation is complete once {@code lambda} of its
 * trials are, and every ask replays the complete generations in order to rebuild the search
 * distribution, so many workers sharing one storage advance the same search. Points outside the
 * cube are drawn again, and after {@value #RESAMPLES} misses clamped onto it.
 */
public final class CmaEsSampler implements Sampler {
  public static final String GENERATION = "cmaes.generation";
  private static final int RESAMPLES = 100;

  private final double sigma0;
  private final int populationSize;

  private CmaEsSampler(Builder b) {
    this.sigma0 = b.sigma0;
    this.populationSize = b.populationSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Map<String, Object> sampleRelative(StudyView study, SamplingContext trial) {
    UnitCube cube = UnitCube.unconditional(study.space(), true);
    if (cube.isEmpty()) {
      return Map.of();
    }
    CmaState state = replay(study, cube);
    return cube.decode(sampleInCube(state, trial.random()));
  }

  @Override
  public Object sampleIndependent(StudyView study, SamplingContext trial, Param param) {
    return param.fromUnit(trial.random().nextDouble());
  }

  @Override
  public Map<String, Object> trialAttributes(StudyView study, SamplingContext trial) {
    UnitCube cube = UnitCube.unconditional(study.space(), true);
    if (cube.isEmpty()) {
      return Map.of();
    }
    Map<Integer, List<FrozenTrial>> generations = generations(study, cube);
    return Map.of(GENERATION, Generations.complete(generations, lambda(cube)));
  }

  private int lambda(UnitCube cube) {
    return populationSize > 0 ? populationSize : CmaState.defaultPopulation(cube.dimension());
  }

  private CmaState replay(StudyView study, UnitCube cube) {
    double[] centre = new double[cube.dimension()];
    Arrays.fill(centre, 0.5);
    CmaState state = new CmaState(centre, sigma0, lambda(cube));
    Map<Integer, List<FrozenTrial>> generations = generations(study, cube);
    Comparator<FrozenTrial> byLoss =
        Comparator.comparingDouble(t -> study.direction().asLoss(t.value().orElseThrow()));
    int complete = Generations.complete(generations, state.lambda());
    for (int g = 0; g < complete; g++) {
      List<double[]> ranked = generations.get(g).stream()
          .limit(state.lambda())
          .sorted(byLoss)
          .map(t -> cube.encode(t.params()))
          .toList();
      state.update(ranked);
    }
    return state;
  }

  private static Map<Integer, List<FrozenTrial>> generations(StudyView study, UnitCube cube) {
    return Generations.of(study, GENERATION, t -> cube.covers(t.params()));
  }

  private static double[] sampleInCube(CmaState state, RandomGenerator random) {
    double[] x = state.sample(random);
    for (int attempt = 1; attempt < RESAMPLES && !inCube(x); attempt++) {
      x = state.sample(random);
    }
    return x;
  }

  private static boolean inCube(double[] x) {
    return Arrays.stream(x).allMatch(v -> v >= 0 && v <= 1);
  }

  /** CMA-ES settings. */
  public static final class Builder {
    private double sigma0 = 1.0 / 6;
    private int populationSize;

    private Builder() {}

    /**
     * Initial step size in the unit cube (default 1/6, so that the initial distribution covers
     * the cube within three standard deviations of its centre).
     */
    public Builder sigma0(double sigma0) {
      require(sigma0 > 0 && sigma0 <= 1, "sigma0 must be in (0, 1], got " + sigma0);
      this.sigma0 = sigma0;
      return this;
    }

    /** Trials per generation, lambda (default {@code 4 + floor(3 ln n)}); at least 2. */
    public Builder populationSize(int populationSize) {
      require(populationSize >= 2, "populationSize must be at least 2, got " + populationSize);
      this.populationSize = populationSize;
      return this;
    }

    public CmaEsSampler build() {
      return new CmaEsSampler(this);
    }
  }
}
