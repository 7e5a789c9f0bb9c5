package dev.serval.tune.importance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.CategoricalParam;
import dev.serval.tune.Condition;
import dev.serval.tune.Direction;
import dev.serval.tune.FloatParam;
import dev.serval.tune.IntParam;
import dev.serval.tune.Objective;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import dev.serval.tune.sampler.RandomSampler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** PED-ANOVA on synthetic objectives where it is known which parameter matters. */
class PedAnovaTest {
  private static final PedAnova PED_ANOVA = PedAnova.builder().build();
  private static final SearchSpace XY = SearchSpace.builder()
      .add(FloatParam.uniform("x", -5, 5))
      .add(FloatParam.uniform("y", -5, 5))
      .build();

  private static Study randomStudy(
      SearchSpace space, Direction direction, long seed, int trials, Objective objective) {
    Study study = Study.builder().space(space).direction(direction).seed(seed)
        .sampler(new RandomSampler()).build();
    study.optimize(objective, trials);
    return study;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void ranksTheFloatThatMattersAboveOneThatBarelyDoes(long seed) {
    Study study = randomStudy(XY, Direction.MINIMIZE, seed, 60,
        t -> Math.pow(t.doubleParam("x") - 1, 2) + 0.01 * t.doubleParam("y"));

    Map<String, Double> importances = PED_ANOVA.evaluate(study).importances();

    assertThat(importances.keySet()).containsExactly("x", "y");
    assertThat(importances.get("x")).isGreaterThan(importances.get("y"));
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14, 15})
  void ranksTheBestOfAMaximizedObjectiveTheSameWay(long seed) {
    Study study = randomStudy(XY, Direction.MAXIMIZE, seed, 60,
        t -> -Math.abs(t.doubleParam("y") + 2) + 0.01 * t.doubleParam("x"));

    assertThat(PED_ANOVA.evaluate(study).importances().keySet()).containsExactly("y", "x");
  }

  @ParameterizedTest
  @ValueSource(longs = {21, 22, 23, 24, 25})
  void ranksACategoricalAndALogScaledFloatAboveNoise(long seed) {
    SearchSpace space = SearchSpace.builder()
        .add(CategoricalParam.of("optimizer", "sgd", "adam", "rmsprop", "adagrad"))
        .add(FloatParam.logUniform("lr", 1e-6, 1))
        .add(IntParam.of("noise", 1, 8))
        .build();
    Study study = randomStudy(space, Direction.MINIMIZE, seed, 80, t ->
        (t.stringParam("optimizer").equals("adam") ? 0 : 10)
            + Math.abs(Math.log10(t.doubleParam("lr")) + 3) + 0.001 * t.intParam("noise"));

    Map<String, Double> importances = PED_ANOVA.evaluate(study).importances();

    assertThat(importances.get("noise")).isLessThan(importances.get("optimizer"))
        .isLessThan(importances.get("lr"));
  }

  @Test
  void givesSharesThatSumToOneLargestFirstAndNamesTheMethod() {
    Study study = randomStudy(XY, Direction.MINIMIZE, 9, 30, t -> t.doubleParam("x"));

    ParamImportances result = PED_ANOVA.evaluate(study);

    assertThat(result.method()).isEqualTo("ped-anova");
    assertThat(result.trials()).isEqualTo(30);
    assertThat(result.importances().values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, within(1e-12));
    assertThat(List.copyOf(result.importances().values())).isSortedAccordingTo((a, b) -> Double.compare(b, a))
        .allMatch(share -> share >= 0);
  }

  @Test
  void countsOnlyCompleteTrialsAndRefusesTooFew() {
    Study study = randomStudy(XY, Direction.MINIMIZE, 5, 8,
        t -> t.doubleParam("x") > 0 ? Double.NaN : t.doubleParam("x"));
    long complete = study.trials().stream().filter(t -> t.value().isPresent()).count();

    assertThat(complete).isLessThan(5);
    assertThatThrownBy(() -> PED_ANOVA.evaluate(study))
        .isInstanceOf(NotEnoughTrialsException.class)
        .hasMessageContaining(complete + " complete trials")
        .hasMessageContaining("at least 5");
  }

  @Test
  void leavesOutParametersMissingFromSomeTrials() {
    SearchSpace space = SearchSpace.builder()
        .add(CategoricalParam.of("kind", "linear", "tree"))
        .add(IntParam.of("depth", 1, 10), Condition.when("kind", "tree"))
        .add(FloatParam.uniform("x", 0, 1))
        .build();
    Study study = randomStudy(space, Direction.MINIMIZE, 4, 30, t -> t.doubleParam("x"));

    assertThat(PED_ANOVA.evaluate(study).importances().keySet())
        .containsExactlyInAnyOrder("kind", "x");
  }

  @Test
  void rejectsSettingsOutOfRange() {
    assertThatThrownBy(() -> PedAnova.builder().targetQuantile(1.5))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("1.5");
    assertThatThrownBy(() -> PedAnova.builder().minTrials(2))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("got 2");
  }
}
