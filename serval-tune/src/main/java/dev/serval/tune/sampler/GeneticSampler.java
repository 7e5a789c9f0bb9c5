package dev.serval.tune.sampler;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.tune.FrozenTrial;
import dev.serval.tune.Param;
import dev.serval.tune.StudyView;
import dev.serval.tune.internal.Pareto;
import dev.serval.tune.sampler.Genomes.Genome;
import dev.serval.tune.sampler.internal.Selection;
import dev.serval.tune.sampler.internal.Variation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * NSGA-II: the first generation is random; each later trial is a child of two parents picked by
 * binary tournament from the current population, crossed (SBX on numeric genes in the unit cube,
 * uniform on categoricals) with {@code crossoverProbability} and mutated (polynomial on numeric
 * genes, a new choice on categoricals) with {@code mutationProbability} per gene. The population
 * after a generation is the best {@code populationSize} of the previous population and that
 * generation's children (elitism). "Best" is NSGA-II's order: non-domination rank (for one
 * objective, the value), then crowding distance; with constraints, Deb's constrained domination
 * (feasible trials first, infeasible ones by total violation), as Optuna's NSGA-II applies it.
 * Trials carry their generation ({@value #GENERATION}); every ask rebuilds the population from the
 * complete generations, so workers sharing a storage evolve one population. Conditional parameters
 * are drawn at random.
 */
public final class GeneticSampler implements Sampler {
  public static final String GENERATION = "ga.generation";
  private static final int TOURNAMENT = 2;
  private static final double SBX_ETA = 15;
  private static final double MUTATION_ETA = 20;

  private final int populationSize;
  private final double crossoverProbability;
  private final double mutationProbability;

  private GeneticSampler(Builder b) {
    this.populationSize = b.populationSize;
    this.crossoverProbability = b.crossoverProbability;
    this.mutationProbability = b.mutationProbability;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Map<String, Object> sampleRelative(StudyView study, SamplingContext trial) {
    Genomes genomes = Genomes.of(study.space());
    if (genomes.isEmpty()) {
      return Map.of();
    }
    Map<Integer, List<FrozenTrial>> generations = generations(study, genomes);
    int complete = Generations.complete(generations, populationSize);
    if (complete == 0) {
      return Map.of();
    }
    List<FrozenTrial> population = population(study, generations, complete);
    Selection<FrozenTrial> selection = new Selection<>(fitness(study, population));
    RandomGenerator random = trial.random();
    Genome first = genomes.encode(selection.tournament(population, TOURNAMENT, random).params());
    Genome second = genomes.encode(selection.tournament(population, TOURNAMENT, random).params());
    return genomes.decode(child(genomes, first, second, random));
  }

  @Override
  public Object sampleIndependent(StudyView study, SamplingContext trial, Param param) {
    return param.fromUnit(trial.random().nextDouble());
  }

  @Override
  public Map<String, Object> trialAttributes(StudyView study, SamplingContext trial) {
    Genomes genomes = Genomes.of(study.space());
    if (genomes.isEmpty()) {
      return Map.of();
    }
    return Map.of(GENERATION,
        Generations.complete(generations(study, genomes), populationSize));
  }

  private static Map<Integer, List<FrozenTrial>> generations(StudyView study, Genomes genomes) {
    return Generations.of(study, GENERATION, t -> genomes.covers(t.params()));
  }

  /** The survivors after generations {@code 0 .. complete - 1}, fittest first. */
  private List<FrozenTrial> population(StudyView study,
      Map<Integer, List<FrozenTrial>> generations, int complete) {
    List<FrozenTrial> population = List.of();
    for (int g = 0; g < complete; g++) {
      List<FrozenTrial> candidates = new ArrayList<>(population);
      candidates.addAll(generations.get(g));
      population = new Selection<>(fitness(study, candidates))
          .survivors(candidates, populationSize);
    }
    return population;
  }

  /**
   * NSGA-II's order of {@code trials}: lower constrained non-domination rank first, then larger
   * crowding distance within the rank, then trial number.
   */
  private static Comparator<FrozenTrial> fitness(StudyView study, List<FrozenTrial> trials) {
    double[][] losses = trials.stream().map(study::losses).toArray(double[][]::new);
    int[] ranks = Pareto.ranks(losses,
        trials.stream().mapToDouble(FrozenTrial::violation).toArray());
    Map<Integer, Integer> rank = new HashMap<>();
    Map<Integer, Double> crowding = new HashMap<>();
    for (int r = 0; rank.size() < trials.size(); r++) {
      int level = r;
      List<Integer> front = IntStream.range(0, ranks.length).filter(i -> ranks[i] == level)
          .boxed().toList();
      double[] distances = Pareto.crowdingDistances(
          front.stream().map(i -> losses[i]).toArray(double[][]::new));
      for (int k = 0; k < front.size(); k++) {
        rank.put(trials.get(front.get(k)).number(), level);
        crowding.put(trials.get(front.get(k)).number(), distances[k]);
      }
    }
    return Comparator.<FrozenTrial>comparingInt(t -> rank.get(t.number()))
        .thenComparing(t -> crowding.get(t.number()), Comparator.reverseOrder())
        .thenComparingInt(FrozenTrial::number);
  }

  @Override
  public boolean supportsMultiObjective() {
    return true;
  }

  private Genome child(Genomes genomes, Genome first, Genome second, RandomGenerator random) {
    Genome child = random.nextDouble() < crossoverProbability
        ? crossover(first, second, random)
        : first.copy();
    double rate = mutationProbability > 0 ? mutationProbability : 1.0 / genomes.geneCount();
    Variation.polynomialMutation(child.unit(), MUTATION_ETA, rate, random);
    int[] choices = child.choices();
    for (int i = 0; i < choices.length; i++) {
      if (random.nextDouble() < rate) {
        choices[i] = genomes.otherChoice(i, choices[i], random);
      }
    }
    return child;
  }

  private static Genome crossover(Genome a, Genome b, RandomGenerator random) {
    int[] choices = a.choices().clone();
    for (int i = 0; i < choices.length; i++) {
      if (random.nextBoolean()) {
        choices[i] = b.choices()[i];
      }
    }
    return new Genome(Variation.sbx(a.unit(), b.unit(), SBX_ETA, random), choices);
  }

  /** Genetic algorithm settings; every one has a default. */
  public static final class Builder {
    private int populationSize = 10;
    private double crossoverProbability = 0.9;
    private double mutationProbability;

    private Builder() {}

    /**
     * Trials per generation and survivors kept; at least 2. The default, 10, is small so that a
     * search of a few dozen trials still evolves over several generations.
     */
    public Builder populationSize(int populationSize) {
      require(populationSize >= 2, "populationSize must be at least 2, got " + populationSize);
      this.populationSize = populationSize;
      return this;
    }

    /** Chance that a child is a crossover of its two parents, not a copy (default 0.9). */
    public Builder crossoverProbability(double crossoverProbability) {
      require(crossoverProbability >= 0 && crossoverProbability <= 1,
          "crossoverProbability must be in [0, 1], got " + crossoverProbability);
      this.crossoverProbability = crossoverProbability;
      return this;
    }

    /** Chance that each gene mutates (default 1 / number of genes). */
    public Builder mutationProbability(double mutationProbability) {
      require(mutationProbability > 0 && mutationProbability <= 1,
          "mutationProbability must be in (0, 1], got " + mutationProbability);
      this.mutationProbability = mutationProbability;
      return this;
    }

    public GeneticSampler build() {
      return new GeneticSampler(this);
    }
  }
}
