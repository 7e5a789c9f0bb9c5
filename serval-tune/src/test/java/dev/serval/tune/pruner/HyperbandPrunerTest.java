package dev.serval.tune.pruner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.Study;
import dev.serval.tune.TrialState;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HyperbandPrunerTest {
  private static final HyperbandPruner HYPERBAND =
      HyperbandPruner.builder(27).minResource(1).reductionFactor(3).build();

  @Test
  void spreadsTrialsOverBracketsFavouringTheAggressiveOnes() {
    assertThat(HYPERBAND.bracketCount()).isEqualTo(4);
    Map<Integer, Long> counts = IntStream.range(0, 2000).boxed()
        .collect(Collectors.groupingBy(n -> HYPERBAND.bracketOf(7, n), Collectors.counting()));

    // Budgets 27, 12, 6, 4 of 49 trials.
    assertThat(counts).containsOnlyKeys(0, 1, 2, 3);
    assertThat(counts.get(0)).isBetween(1000L, 1200L);
    assertThat(counts.get(3)).isBetween(100L, 230L);
    assertThat(HYPERBAND.bracketOf(7, 5)).isEqualTo(HYPERBAND.bracketOf(7, 5));
  }

  @Test
  void prunesWithinEachBracketAtThatBracketsRungs() {
    List<Double> qualities = IntStream.range(0, 40).mapToObj(i -> (i * 7 % 40) / 40.0).toList();
    Study study = SuccessiveHalvingPrunerTest.run(HYPERBAND, 3, qualities);

    Map<Integer, List<FrozenTrial>> byBracket = study.trials().stream()
        .collect(Collectors.groupingBy(t -> HYPERBAND.bracketOf(3, t.number())));
    assertThat(byBracket.keySet()).hasSizeGreaterThanOrEqualTo(3);
    for (var bracket : byBracket.entrySet()) {
      int firstRung = (int) Math.pow(3, bracket.getKey());
      for (FrozenTrial pruned : bracket.getValue()) {
        if (pruned.state() == TrialState.PRUNED) {
          int step = pruned.intermediate().lastKey();
          assertThat(step).as("bracket %d", bracket.getKey()).isGreaterThanOrEqualTo(firstRung);
          double value = pruned.intermediate().get(step);
          assertThat(bracket.getValue()).as("a better trial of the same bracket")
              .anyMatch(t -> t.number() < pruned.number()
                  && t.intermediate().containsKey(step) && t.intermediate().get(step) < value);
        }
      }
    }
    assertThat(byBracket.get(0)).anyMatch(t -> t.state() == TrialState.PRUNED);
    FrozenTrial best = study.trials().stream()
        .filter(t -> qualities.get(t.number()) == 0.0).findFirst().orElseThrow();
    assertThat(best.state()).isEqualTo(TrialState.COMPLETE);
  }

  @Test
  void rejectsAMinimumResourceAboveTheMaximum() {
    assertThatThrownBy(() -> HyperbandPruner.builder(9).minResource(10).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("minResource")
        .hasMessageContaining("10");
  }
}
