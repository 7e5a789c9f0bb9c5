package dev.serval.tune.sampler;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.SearchSpace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The parameters every trial has (those without a condition) as the evolutionary samplers move
 * them: numeric ones as coordinates of the unit cube, mapped as {@link UnitCube} maps them so
 * that log scales and grids are respected, and categorical ones as choice indices, which have no
 * order a Gaussian step or a crossover blend could use.
 */
final class Genomes {
  private final UnitCube cube;
  private final List<CategoricalParam> categoricals;

  private Genomes(SearchSpace space) {
    this.cube = UnitCube.unconditional(space, true);
    this.categoricals = space.params().stream()
        .filter(p -> space.condition(p.name()).isEmpty())
        .filter(CategoricalParam.class::isInstance)
        .map(CategoricalParam.class::cast)
        .toList();
  }

  static Genomes of(SearchSpace space) {
    return new Genomes(space);
  }

  boolean isEmpty() {
    return cube.isEmpty() && categoricals.isEmpty();
  }

  /** Numeric coordinates plus categorical genes. */
  int geneCount() {
    return cube.dimension() + categoricals.size();
  }

  /** Number of choices of categorical gene {@code i}. */
  int choiceCount(int i) {
    return categoricals.get(i).choices().size();
  }

  boolean covers(Map<String, Object> values) {
    return cube.covers(values)
        && categoricals.stream().allMatch(c -> values.containsKey(c.name()));
  }

  Genome encode(Map<String, Object> values) {
    int[] choices = new int[categoricals.size()];
    for (int i = 0; i < choices.length; i++) {
      CategoricalParam c = categoricals.get(i);
      choices[i] = c.choices().indexOf(values.get(c.name()));
    }
    return new Genome(cube.encode(values), choices);
  }

  Map<String, Object> decode(Genome genome) {
    Map<String, Object> values = new LinkedHashMap<>(cube.decode(genome.unit()));
    for (int i = 0; i < categoricals.size(); i++) {
      CategoricalParam c = categoricals.get(i);
      values.put(c.name(), c.choices().get(genome.choices()[i]));
    }
    return values;
  }

  /** A choice of categorical gene {@code i} other than {@code current}, uniformly. */
  int otherChoice(int i, int current, RandomGenerator random) {
    int size = choiceCount(i);
    if (size < 2) {
      return current;
    }
    int other = random.nextInt(size - 1);
    return other >= current ? other + 1 : other;
  }

  /** A point: unit-cube coordinates and choice indices (arrays owned by the holder). */
  record Genome(double[] unit, int[] choices) {
    Genome copy() {
      return new Genome(unit.clone(), choices.clone());
    }
  }
}
