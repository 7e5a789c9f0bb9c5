package dev.serval.tune.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.FloatParam;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import dev.serval.tune.Trial;
import dev.serval.tune.TrialState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CmaEsSamplerTest {
  private static final double[] SHIFT = {1.5, -2.0, 0.7, 3.1, -0.4};

  private static SearchSpace sphereSpace() {
    SearchSpace.Builder space = SearchSpace.builder();
    for (int d = 0; d < SHIFT.length; d++) {
      space.add(FloatParam.uniform("x" + d, -5, 5));
    }
    return space.build();
  }

  private static double shiftedSphere(Trial trial) {
    double sum = 0;
    for (int d = 0; d < SHIFT.length; d++) {
      double diff = trial.doubleParam("x" + d) - SHIFT[d];
      sum += diff * diff;
    }
    return sum;
  }

  @Test
  void getsWithinOneThousandthOfAShiftedSphereOptimumIn400Trials() {
    Study study = Study.builder().space(sphereSpace())
        .sampler(CmaEsSampler.builder().build()).seed(11).build();
    study.optimize(CmaEsSamplerTest::shiftedSphere, 400);

    double best = study.bestTrial().orElseThrow().value().orElseThrow();
    System.out.println("CMA-ES shifted 5-D sphere, best of 400 trials: " + best);
    assertThat(best).isLessThan(1e-3);
  }

  @Test
  void tagsTrialsWithTheirGenerationAndAdvancesOnceAPopulationCompletes() {
    Study study = Study.builder().space(sphereSpace())
        .sampler(CmaEsSampler.builder().populationSize(6).build()).seed(3).build();
    study.optimize(CmaEsSamplerTest::shiftedSphere, 18);

    List<Object> generations = study.trials().stream()
        .map(t -> t.userAttributes().get(CmaEsSampler.GENERATION)).toList();
    assertThat(generations).containsExactly(
        0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2);
  }

  @Test
  void failedTrialsDoNotCountTowardsAGeneration() {
    Study study = Study.builder().space(sphereSpace())
        .sampler(CmaEsSampler.builder().populationSize(4).build()).seed(3).build();
    for (int i = 0; i < 4; i++) {
      Trial trial = study.ask();
      if (i == 1) {
        study.tell(trial, TrialState.FAIL);
      } else {
        study.tell(trial, shiftedSphere(trial));
      }
    }
    Trial fifth = study.ask();

    assertThat(fifth.snapshot().userAttributes()).containsEntry(CmaEsSampler.GENERATION, 0);
  }

  @Test
  void drawsCategoricalsAtRandomAlongsideTheEvolvedNumbers() {
    SearchSpace space = SearchSpace.builder()
        .add(FloatParam.uniform("x", 0, 1))
        .add(CategoricalParam.of("kind", "a", "b", "c"))
        .build();
    Study study = Study.builder().space(space).sampler(CmaEsSampler.builder().build())
        .seed(8).build();
    study.optimize(t -> Math.abs(t.doubleParam("x") - 0.3), 60);

    assertThat(study.trials().stream().map(FrozenTrial::params).map(p -> p.get("kind")))
        .contains("a", "b", "c");
    Map<String, Object> best = study.bestTrial().orElseThrow().params();
    assertThat((Double) best.get("x")).isBetween(0.28, 0.32);
  }
}
