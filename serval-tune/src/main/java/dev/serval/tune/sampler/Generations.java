package dev.serval.tune.sampler;

import dev.serval.tune.FrozenTrial;
import dev.serval.tune.StudyView;
import dev.serval.tune.TrialState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Generations of a population-based search as trial user attributes record them: each trial is
 * tagged with the generation it was sampled for, and a generation is complete once a population
 * of its trials is. Rebuilding from these tags on every ask lets workers sharing one storage
 * drive one search.
 */
final class Generations {
  private Generations() {}

  /** Complete trials that pass {@code usable}, by the generation they were sampled for. */
  static Map<Integer, List<FrozenTrial>> of(StudyView study, String attribute,
      Predicate<FrozenTrial> usable) {
    return study.trials(TrialState.COMPLETE).stream()
        .filter(usable)
        .filter(t -> generationOf(t, attribute).isPresent())
        .collect(Collectors.groupingBy(t -> generationOf(t, attribute).orElseThrow()));
  }

  /** How many generations, from the first, have at least {@code population} trials. */
  static int complete(Map<Integer, List<FrozenTrial>> generations, int population) {
    int g = 0;
    while (generations.getOrDefault(g, List.of()).size() >= population) {
      g++;
    }
    return g;
  }

  private static Optional<Integer> generationOf(FrozenTrial trial, String attribute) {
    return trial.userAttributes().get(attribute) instanceof Number g
        ? Optional.of(g.intValue())
        : Optional.empty();
  }
}
