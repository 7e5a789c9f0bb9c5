package dev.serval.tune.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.CategoricalParam;
import dev.serval.tune.Condition;
import dev.serval.tune.FloatParam;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.IntParam;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import dev.serval.tune.StudyExhaustedException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GridAndQmcSamplerTest {
  private static final SearchSpace CONDITIONAL = SearchSpace.builder()
      .add(CategoricalParam.of("optimizer", "sgd", "adam"))
      .add(IntParam.of("layers", 1, 3))
      .add(FloatParam.stepped("momentum", 0, 0.5, 0.25), Condition.when("optimizer", "sgd"))
      .build();

  @Test
  void gridTriesEveryActiveCombinationOnceThenStopsTheStudy() {
    Study study = Study.builder().space(CONDITIONAL).sampler(GridSampler.fromSpace()).build();
    study.optimize(t -> t.intParam("layers"), 100);

    // sgd: 3 layers x 3 momenta; adam: 3 layers without momentum.
    List<Map<String, Object>> seen = study.trials().stream().map(FrozenTrial::params).toList();
    assertThat(seen).hasSize(12);
    assertThat(new HashSet<>(seen)).hasSize(12);
    assertThat(seen).filteredOn(p -> p.get("optimizer").equals("adam"))
        .allMatch(p -> !p.containsKey("momentum")).hasSize(3);
    assertThatThrownBy(study::ask).isInstanceOf(StudyExhaustedException.class);
  }

  @Test
  void explicitGridValuesReplaceTheSpaceGrid() {
    SearchSpace space = SearchSpace.builder().add(FloatParam.logUniform("lr", 1e-4, 1)).build();
    Study study = Study.builder().space(space)
        .sampler(GridSampler.of(Map.of("lr", List.of(1e-3, 1e-2, 1e-1)))).build();
    study.optimize(t -> t.doubleParam("lr"), 10);

    assertThat(study.trials()).extracting(t -> t.params().get("lr"))
        .containsExactlyInAnyOrder(1e-3, 1e-2, 1e-1);
  }

  @Test
  void gridRefusesContinuousParametersAndValuesOutsideTheDomain() {
    SearchSpace space = SearchSpace.builder().add(FloatParam.uniform("x", 0, 1)).build();
    assertThatThrownBy(() -> Study.builder().space(space).sampler(GridSampler.fromSpace())
        .build().ask())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("parameter x is continuous: give it a step or explicit grid values");
    assertThatThrownBy(() -> Study.builder().space(space)
        .sampler(GridSampler.of(Map.of("x", List.of(2.0)))).build().ask())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("grid value 2.0 is outside parameter");
  }

  @Test
  void scrambledHaltonPutsOnePointInEachOfTheFirstPowerOfTwoStrata() {
    SearchSpace space = SearchSpace.builder()
        .add(FloatParam.uniform("x", 0, 1))
        .add(FloatParam.uniform("y", 0, 1))
        .build();
    Study study = Study.builder().space(space).sampler(new QmcSampler()).seed(11).build();
    study.optimize(t -> 0, 27);

    List<FrozenTrial> trials = study.trials();
    // First 16 points in base 2 (x): one per 1/16 interval; first 27 in base 3 (y): one per 1/27.
    assertThat(trials.subList(0, 16).stream()
        .map(t -> (int) ((Double) t.params().get("x") * 16)).distinct()).hasSize(16);
    assertThat(trials.stream()
        .map(t -> (int) ((Double) t.params().get("y") * 27)).distinct()).hasSize(27);
  }

  @Test
  void scramblingDependsOnTheSeed() {
    assertThat(QmcSampler.scrambledRadicalInverse(5, 2, 1))
        .isNotEqualTo(QmcSampler.scrambledRadicalInverse(5, 2, 2));
  }
}
