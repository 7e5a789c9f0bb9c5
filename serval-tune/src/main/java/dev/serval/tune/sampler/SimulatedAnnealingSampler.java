package dev.serval.tune.sampler;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.tune.Direction;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.Param;
import dev.serval.tune.StudyView;
import dev.serval.tune.TrialState;
import dev.serval.tune.internal.Checks;
import dev.serval.tune.sampler.Genomes.Genome;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Simulated annealing over the parameters without a condition (conditional ones are drawn at
 * random). After {@code startupTrials} random trials the chain starts at the best of them; each
 * later complete trial, in trial order, is a move that is accepted when better, or when worse
 * with the Metropolis probability {@code exp(-delta / T)}, where {@code delta} is measured in
 * units of the spread of the startup values so that the temperature does not depend on the
 * objective's scale. The temperature falls geometrically by {@code coolingRate} per move. A new
 * suggestion is a neighbour of the chain's current state: a Gaussian step in the unit cube whose
 * size shrinks with the temperature, and for each categorical a switch to another choice with
 * {@code switchProbability}. The chain is replayed from the complete trials on every ask, with
 * acceptance draws seeded by the study seed and the trial number, so workers sharing a storage
 * follow one chain.
 */
public final class SimulatedAnnealingSampler implements Sampler {
  private final int startupTrials;
  private final double initialTemperature;
  private final double coolingRate;
  private final double initialStep;
  private final double minStep;
  private final double switchProbability;

  private SimulatedAnnealingSampler(Builder b) {
    this.startupTrials = b.startupTrials;
    this.initialTemperature = b.initialTemperature;
    this.coolingRate = b.coolingRate;
    this.initialStep = b.initialStep;
    this.minStep = b.minStep;
    this.switchProbability = b.switchProbability;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Map<String, Object> sampleRelative(StudyView study, SamplingContext trial) {
    Genomes genomes = Genomes.of(study.space());
    List<FrozenTrial> done = study.trials(TrialState.COMPLETE).stream()
        .filter(t -> genomes.covers(t.params()))
        .toList();
    if (genomes.isEmpty() || done.size() < startupTrials) {
      return Map.of();
    }
    Chain chain = replay(study, done);
    Genome current = genomes.encode(chain.current().params());
    return genomes.decode(neighbour(genomes, current, chain.temperature(), trial.random()));
  }

  @Override
  public Object sampleIndependent(StudyView study, SamplingContext trial, Param param) {
    return param.fromUnit(trial.random().nextDouble());
  }

  private record Chain(FrozenTrial current, double temperature) {}

  private Chain replay(StudyView study, List<FrozenTrial> done) {
    Direction direction = study.direction();
    List<FrozenTrial> startup = done.subList(0, startupTrials);
    FrozenTrial current = startup.get(0);
    double lowest = Double.POSITIVE_INFINITY;
    double highest = Double.NEGATIVE_INFINITY;
    for (FrozenTrial t : startup) {
      double loss = loss(direction, t);
      lowest = Math.min(lowest, loss);
      highest = Math.max(highest, loss);
      current = loss < loss(direction, current) ? t : current;
    }
    double scale = highest > lowest ? highest - lowest : 1;
    double temperature = initialTemperature;
    for (FrozenTrial move : done.subList(startupTrials, done.size())) {
      double delta = (loss(direction, move) - loss(direction, current)) / scale;
      if (delta <= 0 || acceptanceDraw(study.seed(), move.number())
          < Math.exp(-delta / temperature)) {
        current = move;
      }
      temperature *= coolingRate;
    }
    return new Chain(current, temperature);
  }

  private static double loss(Direction direction, FrozenTrial trial) {
    return direction.asLoss(trial.value().orElseThrow());
  }

  /** The same draw for a move on every worker and every replay. */
  private static double acceptanceDraw(long seed, int trialNumber) {
    return new SplittableRandom(seed ^ (0xD1B54A32D192ED03L * (trialNumber + 1L))).nextDouble();
  }

  private Genome neighbour(Genomes genomes, Genome current, double temperature,
      RandomGenerator random) {
    Genome next = current.copy();
    double step = Math.max(minStep, initialStep * temperature / initialTemperature);
    double[] unit = next.unit();
    for (int k = 0; k < unit.length; k++) {
      unit[k] = reflect(unit[k] + step * random.nextGaussian());
    }
    int[] choices = next.choices();
    for (int i = 0; i < choices.length; i++) {
      if (random.nextDouble() < switchProbability) {
        choices[i] = genomes.otherChoice(i, choices[i], random);
      }
    }
    return next;
  }

  /** Folds a step that left [0, 1] back in, so that moves near a bound stay unbiased. */
  private static double reflect(double u) {
    double folded = Math.abs(u) % 2;
    return folded > 1 ? 2 - folded : folded;
  }

  /** Annealing settings; every one has a default. */
  public static final class Builder {
    private int startupTrials = 10;
    private double initialTemperature = 0.2;
    private double coolingRate = 0.95;
    private double initialStep = 0.2;
    private double minStep = 0.005;
    private double switchProbability = 0.2;

    private Builder() {}

    /** Random trials before the chain starts at the best of them (default 10). */
    public Builder startupTrials(int startupTrials) {
      this.startupTrials = Checks.positive("startupTrials", startupTrials);
      return this;
    }

    /**
     * Starting temperature in units of the spread of the startup values (default 0.2: a move
     * worse by a fifth of that spread is accepted with probability 1/e).
     */
    public Builder initialTemperature(double initialTemperature) {
      require(initialTemperature > 0 && Double.isFinite(initialTemperature),
          "initialTemperature must be positive, got " + initialTemperature);
      this.initialTemperature = initialTemperature;
      return this;
    }

    /** Factor applied to the temperature after every move, in (0, 1) (default 0.95). */
    public Builder coolingRate(double coolingRate) {
      require(coolingRate > 0 && coolingRate < 1,
          "coolingRate must be in (0, 1), got " + coolingRate);
      this.coolingRate = coolingRate;
      return this;
    }

    /**
     * Standard deviation of a step in the unit cube at the starting temperature (default 0.2);
     * it shrinks in proportion to the temperature down to {@code minStep} (default 0.005).
     */
    public Builder steps(double initialStep, double minStep) {
      require(initialStep > 0 && initialStep <= 1,
          "initialStep must be in (0, 1], got " + initialStep);
      require(minStep > 0 && minStep <= initialStep,
          "minStep must be in (0, initialStep], got " + minStep);
      this.initialStep = initialStep;
      this.minStep = minStep;
      return this;
    }

    /** Chance that a move switches each categorical to another choice (default 0.2). */
    public Builder switchProbability(double switchProbability) {
      require(switchProbability >= 0 && switchProbability <= 1,
          "switchProbability must be in [0, 1], got " + switchProbability);
      this.switchProbability = switchProbability;
      return this;
    }

    public SimulatedAnnealingSampler build() {
      return new SimulatedAnnealingSampler(this);
    }
  }
}
