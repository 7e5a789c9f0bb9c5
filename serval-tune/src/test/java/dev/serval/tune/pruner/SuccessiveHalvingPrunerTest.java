package dev.serval.tune.pruner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.FloatParam;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import dev.serval.tune.Trial;
import dev.serval.tune.TrialPrunedException;
import dev.serval.tune.TrialState;
import dev.serval.tune.sampler.RandomSampler;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SuccessiveHalvingPrunerTest {
  private static final SearchSpace SPACE =
      SearchSpace.builder().add(FloatParam.uniform("x", 0, 1)).build();
  private static final int STEPS = 27;

  /** A learning curve whose level is set by {@code quality}: lower is better at every step. */
  static double loss(double quality, int step) {
    return quality + 1.0 / (step + 1);
  }

  /** Runs one trial per quality, in order, reporting every step until pruned. */
  static Study run(Pruner pruner, long seed, List<Double> qualities) {
    Study study = Study.builder().space(SPACE).sampler(new RandomSampler()).pruner(pruner)
        .seed(seed).build();
    for (double quality : qualities) {
      study.optimize(trial -> {
        for (int step = 1; step <= STEPS; step++) {
          trial.report(step, loss(quality, step));
          if (trial.shouldPrune()) {
            throw new TrialPrunedException("step " + step);
          }
        }
        return loss(quality, STEPS);
      }, 1);
    }
    return study;
  }

  @Test
  void prunesTheBottomOfEachRungAndKeepsTheBest() {
    // Qualities in a shuffled order; 0.0 is the best curve.
    List<Double> qualities = List.of(0.5, 0.8, 0.3, 0.9, 0.0, 0.7, 0.6, 0.2, 0.4, 0.1);
    SuccessiveHalvingPruner asha = SuccessiveHalvingPruner.builder().minResource(1)
        .reductionFactor(3).build();
    Study study = run(asha, 1, qualities);

    Map<Double, FrozenTrial> byQuality = study.trials().stream()
        .collect(Collectors.toMap(t -> qualities.get(t.number()), t -> t));
    assertThat(byQuality.get(0.0).state()).isEqualTo(TrialState.COMPLETE);
    // The second trial is worse than the only other one at rung 1: pruned there.
    assertThat(byQuality.get(0.8).state()).isEqualTo(TrialState.PRUNED);
    assertThat(byQuality.get(0.8).intermediate().lastKey()).isEqualTo(1);
    // The worst curve never passes its first rung, whenever it came.
    assertThat(byQuality.get(0.9).intermediate().lastKey()).isEqualTo(1);
    for (FrozenTrial pruned : study.trials(TrialState.PRUNED)) {
      int rung = pruned.intermediate().lastKey();
      assertThat(rung).as("pruned only at a rung").isIn(1, 3, 9, 27);
      double value = pruned.intermediate().get(rung);
      long betterEarlier = study.trials().stream()
          .filter(t -> t.number() < pruned.number() && t.intermediate().containsKey(rung))
          .filter(t -> t.intermediate().get(rung) < value).count();
      assertThat(betterEarlier).as("trial %d at rung %d", pruned.number(), rung)
          .isPositive();
    }
    assertThat(study.trials(TrialState.PRUNED)).hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void aTrialInTheTopThirdOfItsRungGoesOn() {
    SuccessiveHalvingPruner asha = SuccessiveHalvingPruner.builder().reductionFactor(3)
        .minEarlyStoppingRate(1).build();
    Study study = Study.builder().space(SPACE).sampler(new RandomSampler()).pruner(asha)
        .seed(2).build();
    for (double value : new double[] {5, 6, 7, 8, 9}) {
      Trial trial = study.ask();
      trial.report(3, value);
      study.tell(trial, value);
    }
    Trial second = study.ask();
    second.report(1, 100);
    assertThat(second.shouldPrune()).as("before the first rung at step 3").isFalse();
    second.report(3, 5.5);
    Trial third = study.ask();
    third.report(3, 6.5);

    // Six at the rung: the best two go on.
    assertThat(second.shouldPrune()).isFalse();
    assertThat(third.shouldPrune()).isTrue();
  }

  @Test
  void rejectsAReductionFactorBelowTwo() {
    assertThatThrownBy(() -> SuccessiveHalvingPruner.builder().reductionFactor(1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("reductionFactor")
        .hasMessageContaining("1");
  }
}
