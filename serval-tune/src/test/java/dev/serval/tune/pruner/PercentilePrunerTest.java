package dev.serval.tune.pruner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.Direction;
import dev.serval.tune.FloatParam;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import dev.serval.tune.Trial;
import dev.serval.tune.TrialPrunedException;
import dev.serval.tune.TrialState;
import dev.serval.tune.sampler.RandomSampler;
import org.junit.jupiter.api.Test;

class PercentilePrunerTest {
  private static final SearchSpace SPACE =
      SearchSpace.builder().add(FloatParam.uniform("x", 0, 1)).build();

  private static Study studyWithCompletedCurves(Pruner pruner, Direction direction, int n) {
    Study study = Study.builder().space(SPACE).sampler(new RandomSampler()).pruner(pruner)
        .direction(direction).seed(1).build();
    for (int i = 0; i < n; i++) {
      Trial trial = study.ask();
      for (int step = 0; step < 5; step++) {
        trial.report(step, 10 - step + i * 0.1);
      }
      study.tell(trial, 5 + i * 0.1);
    }
    return study;
  }

  @Test
  void medianPrunerPrunesAClearlyWorseCurveAndKeepsABetterOne() {
    Study study = studyWithCompletedCurves(MedianPruner.builder().build(), Direction.MINIMIZE, 5);

    Trial worse = study.ask();
    worse.report(0, 50);
    Trial better = study.ask();
    better.report(0, 1);

    assertThat(worse.shouldPrune()).isTrue();
    assertThat(better.shouldPrune()).isFalse();
  }

  @Test
  void maximizingPrunesTheLowCurve() {
    Study study = studyWithCompletedCurves(MedianPruner.builder().build(), Direction.MAXIMIZE, 5);
    Trial low = study.ask();
    low.report(2, 0);
    Trial high = study.ask();
    high.report(2, 100);

    assertThat(low.shouldPrune()).isTrue();
    assertThat(high.shouldPrune()).isFalse();
  }

  @Test
  void waitsForStartupTrialsWarmupAndInterval() {
    Pruner pruner = MedianPruner.builder().startupTrials(3).warmupSteps(2).intervalSteps(2)
        .build();
    assertThat(reportsWorse(studyWithCompletedCurves(pruner, Direction.MINIMIZE, 2), 3))
        .as("before enough complete trials").isFalse();
    Study study = studyWithCompletedCurves(pruner, Direction.MINIMIZE, 3);
    assertThat(reportsWorse(study, 1)).as("during warm-up").isFalse();
    assertThat(reportsWorse(study, 3)).as("between intervals").isFalse();
    assertThat(reportsWorse(study, 4)).as("on an interval step").isTrue();
  }

  @Test
  void strictPercentilePrunesMoreThanTheMedian() {
    Study study = studyWithCompletedCurves(PercentilePruner.builder(10).build(),
        Direction.MINIMIZE, 11);
    Trial middling = study.ask();
    middling.report(0, 10.5);

    assertThat(middling.shouldPrune()).isTrue();
    assertThat(PercentilePruner.percentileOf(new double[] {4, 1, 3, 2}, 50)).isEqualTo(2.5);
  }

  @Test
  void anObjectiveThatHonoursShouldPruneEndsPruned() {
    Study study = studyWithCompletedCurves(MedianPruner.builder().build(), Direction.MINIMIZE, 5);
    study.optimize(trial -> {
      for (int step = 0; step < 5; step++) {
        trial.report(step, 100);
        if (trial.shouldPrune()) {
          throw new TrialPrunedException("step " + step);
        }
      }
      return 100;
    }, 1);

    assertThat(study.trials().get(5).state()).isEqualTo(TrialState.PRUNED);
    assertThat(study.trials().get(5).intermediate()).containsOnlyKeys(0);
  }

  @Test
  void rejectsPercentilesOutsideZeroToHundred() {
    assertThatThrownBy(() -> PercentilePruner.builder(120))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("percentile must be in [0, 100], got 120.0");
  }

  private static boolean reportsWorse(Study study, int step) {
    Trial trial = study.ask();
    trial.report(step, 1000);
    return trial.shouldPrune();
  }
}
