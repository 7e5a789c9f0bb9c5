package dev.serval.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.internal.Pareto;
import dev.serval.tune.pruner.MedianPruner;
import dev.serval.tune.sampler.CmaEsSampler;
import dev.serval.tune.sampler.GeneticSampler;
import dev.serval.tune.sampler.GpSampler;
import dev.serval.tune.sampler.RandomSampler;
import dev.serval.tune.sampler.Sampler;
import dev.serval.tune.sampler.TpeSampler;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Studies with several objectives: values per objective, Pareto fronts, which samplers. */
class MultiObjectiveStudyTest {
  static final SearchSpace SPACE = SearchSpace.builder()
      .add(FloatParam.uniform("x", 0, 1))
      .add(FloatParam.uniform("y", 0, 1))
      .add(CategoricalParam.of("c", "a", "b"))
      .build();
  private static final double[] REFERENCE = {1.1, 11};

  /** ZDT1 on two variables (both minimized), plus a categorical that only adds to f2. */
  static double[] zdt1(Trial t) {
    double x = t.doubleParam("x");
    double g = 1 + 9 * t.doubleParam("y") + (t.stringParam("c").equals("a") ? 0 : 1);
    return new double[] {x, g * (1 - Math.sqrt(x / g))};
  }

  static Study study(Sampler sampler, long seed) {
    return Study.builder().space(SPACE).sampler(sampler).seed(seed)
        .directions(Direction.MINIMIZE, Direction.MINIMIZE).build();
  }

  static Stream<Arguments> samplers() {
    return Stream.of(
        Arguments.of("tpe", (Supplier<Sampler>) () -> TpeSampler.builder().build()),
        Arguments.of("tpe-multivariate",
            (Supplier<Sampler>) () -> TpeSampler.builder().multivariate(true).build()),
        Arguments.of("nsga2", (Supplier<Sampler>) () -> GeneticSampler.builder().build()));
  }

  static double medianHypervolume(Supplier<Sampler> sampler) {
    double[] volumes = LongStream.range(0, 9).mapToDouble(seed -> {
      Study study = study(sampler.get(), seed);
      study.optimizeMulti(MultiObjectiveStudyTest::zdt1, 80);
      return Pareto.hypervolume(study.bestTrials().stream()
          .map(t -> new double[] {t.values().get(0), t.values().get(1)}).toList(), REFERENCE);
    }).sorted().toArray();
    return volumes[4];
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samplers")
  void findsALargerParetoFrontThanRandomSearch(String name, Supplier<Sampler> sampler) {
    double found = medianHypervolume(sampler);
    double random = medianHypervolume(RandomSampler::new);

    assertThat(found).as("%s hypervolume %s vs random %s", name, found, random)
        .isGreaterThan(random);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samplers")
  void sameSeedGivesTheSameTrials(String name, Supplier<Sampler> sampler) {
    Study first = study(sampler.get(), 4);
    first.optimizeMulti(MultiObjectiveStudyTest::zdt1, 40);
    Study again = study(sampler.get(), 4);
    again.optimizeMulti(MultiObjectiveStudyTest::zdt1, 40);

    assertThat(again.trials()).extracting(FrozenTrial::params)
        .isEqualTo(first.trials().stream().map(FrozenTrial::params).toList());
  }

  @Test
  void bestTrialsAreExactlyTheTrialsNoOtherDominates() {
    Study study = Study.builder().space(SPACE).sampler(new RandomSampler()).seed(1)
        .directions(Direction.MINIMIZE, Direction.MAXIMIZE).build();
    study.optimizeMulti(t -> new double[] {t.doubleParam("x"), t.doubleParam("y")}, 60);

    List<FrozenTrial> front = study.bestTrials();
    List<FrozenTrial> all = study.trials();
    assertThat(front).isNotEmpty();
    for (FrozenTrial t : all) {
      boolean dominated = all.stream().anyMatch(o -> o.values().get(0) <= t.values().get(0)
          && o.values().get(1) >= t.values().get(1) && !o.values().equals(t.values()));
      assertThat(front.contains(t)).as("trial %d", t.number()).isEqualTo(!dominated);
    }
  }

  @Test
  void aTrialKeepsOneValuePerObjectiveAndNoSingleValue() {
    Study study = study(new RandomSampler(), 2);
    Trial trial = study.ask();
    study.tell(trial, new double[] {0.5, 2});

    FrozenTrial told = study.trials().get(0);
    assertThat(told.values()).containsExactly(0.5, 2.0);
    assertThatThrownBy(told::value).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("trial 0 has 2 values, one per objective; use values()");
    assertThatThrownBy(study::bestTrial).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has 2 objectives [MINIMIZE, MINIMIZE]; use directions()");
  }

  @Test
  void rejectsAWrongNumberOfValuesAndFailsATrialWithNaN() {
    Study study = study(new RandomSampler(), 2);
    Trial trial = study.ask();

    assertThatThrownBy(() -> study.tell(trial, 1.0)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has 2 objectives [MINIMIZE, MINIMIZE], got values [1.0]");
    study.tell(trial, new double[] {1, Double.NaN});
    assertThat(study.trials().get(0).state()).isEqualTo(TrialState.FAIL);
    assertThatThrownBy(() -> study.optimize(t -> 1.0, 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("use optimizeMulti with one value per objective");
  }

  @Test
  void refusesSamplersForOneObjectiveAndPruning() {
    Study.Builder twoObjectives = Study.builder().space(SPACE)
        .directions(Direction.MINIMIZE, Direction.MAXIMIZE);

    assertThatThrownBy(() -> twoObjectives.sampler(GpSampler.builder().build()).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("GpSampler handles one objective, got 2 directions")
        .hasMessageContaining("use TpeSampler, GeneticSampler or RandomSampler");
    assertThatThrownBy(() -> twoObjectives.sampler(CmaEsSampler.builder().build()).build())
        .hasMessageContaining("CmaEsSampler handles one objective");
    assertThatThrownBy(() -> twoObjectives.sampler(new RandomSampler())
        .pruner(MedianPruner.builder().build()).build())
        .hasMessageContaining("pruning needs a single objective");
  }

  @Test
  void theDefaultSamplerTakesSeveralObjectives() {
    Study study = Study.builder().space(SPACE).seed(3)
        .directions(Direction.MINIMIZE, Direction.MINIMIZE).build();
    study.optimizeMulti(MultiObjectiveStudyTest::zdt1, 30);

    assertThat(study.trials(TrialState.COMPLETE)).hasSize(30);
    assertThat(study.bestTrials()).isNotEmpty();
  }
}
