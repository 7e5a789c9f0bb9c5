package dev.serval.tune.sampler.internal;

import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Survivor and parent selection of a genetic algorithm under a fitness order (better first).
 * For one objective the order compares values; a multi-objective search passes a Pareto
 * comparator (non-domination rank, then crowding distance) and keeps the same selection.
 */
public final class Selection<T> {
  private final Comparator<? super T> fitness;

  public Selection(Comparator<? super T> fitness) {
    this.fitness = fitness;
  }

  /** The {@code size} fittest of {@code candidates}: (mu + lambda) elitism. */
  public List<T> survivors(List<T> candidates, int size) {
    return candidates.stream().sorted(fitness).limit(size).toList();
  }

  /** The fittest of {@code size} members of {@code population} drawn with replacement. */
  public T tournament(List<T> population, int size, RandomGenerator random) {
    T winner = population.get(random.nextInt(population.size()));
    for (int i = 1; i < size; i++) {
      T challenger = population.get(random.nextInt(population.size()));
      if (fitness.compare(challenger, winner) < 0) {
        winner = challenger;
      }
    }
    return winner;
  }
}
