package dev.serval.tune.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.Condition;
import dev.serval.tune.Direction;
import dev.serval.tune.FloatParam;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import org.junit.jupiter.api.Test;

class AutoSamplerTest {
  private static final SearchSpace FLAT = SearchSpace.builder()
      .add(FloatParam.uniform("x", -1, 1))
      .add(CategoricalParam.of("c", "a", "b"))
      .build();

  @Test
  void usesTheGpUntilGpTrialsCompleteThenTpe() {
    AutoSampler auto = AutoSampler.builder().gpTrials(12).build();
    Study study = Study.builder().space(FLAT).sampler(auto).seed(1).build();

    study.optimize(t -> t.doubleParam("x") * t.doubleParam("x"), 11);
    assertThat(auto.delegate(study)).isInstanceOf(GpSampler.class);
    study.optimize(t -> t.doubleParam("x") * t.doubleParam("x"), 1);
    assertThat(auto.delegate(study)).isInstanceOf(TpeSampler.class);
  }

  @Test
  void usesTpeForConditionsSeveralObjectivesAndConstraints() {
    AutoSampler auto = AutoSampler.builder().build();
    SearchSpace conditional = SearchSpace.builder()
        .add(CategoricalParam.of("c", "a", "b"))
        .add(FloatParam.uniform("x", 0, 1), Condition.when("c", "a"))
        .build();

    assertThat(auto.delegate(Study.builder().space(FLAT).sampler(auto).build()))
        .isInstanceOf(GpSampler.class);
    assertThat(auto.delegate(Study.builder().space(conditional).sampler(auto).build()))
        .isInstanceOf(TpeSampler.class);
    assertThat(auto.delegate(Study.builder().space(FLAT).sampler(auto)
        .directions(Direction.MINIMIZE, Direction.MAXIMIZE).build()))
        .isInstanceOf(TpeSampler.class);
    assertThat(auto.delegate(Study.builder().space(FLAT).sampler(auto)
        .constraints(t -> new double[] {0}).build()))
        .isInstanceOf(TpeSampler.class);
  }
}
