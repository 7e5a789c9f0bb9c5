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
import java.util.function.Supplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Simulated annealing and the genetic algorithm: they learn, and keep their state in trials. */
class LocalSearchSamplersTest {
  private static final SearchSpace SPACE = SearchSpace.builder()
      .add(FloatParam.uniform("x", -10, 10))
      .add(FloatParam.uniform("y", -10, 10))
      .build();

  private static double quadratic(Trial t) {
    double x = t.doubleParam("x") - 3;
    double y = t.doubleParam("y") + 2;
    return x * x + y * y;
  }

  private static double medianBest(Supplier<Sampler> sampler) {
    double[] best = LongStream.range(0, 10).mapToDouble(seed -> {
      Study study = Study.builder().space(SPACE).sampler(sampler.get()).seed(seed).build();
      study.optimize(LocalSearchSamplersTest::quadratic, 60);
      return study.bestTrial().orElseThrow().value().orElseThrow();
    }).sorted().toArray();
    return (best[4] + best[5]) / 2;
  }

  static Stream<Arguments> learners() {
    return Stream.of(
        Arguments.of("anneal",
            (Supplier<Sampler>) () -> SimulatedAnnealingSampler.builder().build()),
        Arguments.of("ga", (Supplier<Sampler>) () -> GeneticSampler.builder().build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("learners")
  void beatsRandomSearchOnAQuadraticInMedianOverTenSeeds(String name,
      Supplier<Sampler> sampler) {
    double learned = medianBest(sampler);
    double random = medianBest(RandomSampler::new);

    System.out.printf("%s median best of 60 trials: %.4f, random %.4f%n", name, learned, random);
    assertThat(learned).as("%s %s vs random %s", name, learned, random).isLessThan(random / 2);
  }

  @Test
  void geneticSamplerTagsGenerationsAndSkipsFailedTrials() {
    Study study = Study.builder().space(SPACE)
        .sampler(GeneticSampler.builder().populationSize(3).build()).seed(4).build();
    for (int i = 0; i < 7; i++) {
      Trial trial = study.ask();
      if (i == 1) {
        study.tell(trial, TrialState.FAIL);
      } else {
        study.tell(trial, quadratic(trial));
      }
    }

    assertThat(study.trials().stream().map(t -> t.userAttributes().get(GeneticSampler.GENERATION)))
        .containsExactly(0, 0, 0, 0, 1, 1, 1);
  }

  @Test
  void geneticSamplerKeepsCategoricalsOfTheFittestAndMutatesThem() {
    SearchSpace space = SearchSpace.builder()
        .add(FloatParam.uniform("x", 0, 1))
        .add(CategoricalParam.of("kind", "a", "b", "c", "d"))
        .build();
    Study study = Study.builder().space(space)
        .sampler(GeneticSampler.builder().mutationProbability(0.1).build()).seed(2).build();
    study.optimize(t -> Math.abs(t.doubleParam("x") - 0.3)
        + (t.stringParam("kind").equals("c") ? 0 : 1), 80);

    List<FrozenTrial> lastGeneration = study.trials().subList(60, 80);
    assertThat(lastGeneration.stream().filter(t -> t.params().get("kind").equals("c")).count())
        .isGreaterThan(12);
    assertThat((Double) study.bestTrial().orElseThrow().params().get("x")).isBetween(0.25, 0.35);
  }

  @Test
  void annealingMovesStayNearTheChainStateOnceCold() {
    Study study = Study.builder().space(SPACE)
        .sampler(SimulatedAnnealingSampler.builder().coolingRate(0.8).build()).seed(6).build();
    study.optimize(LocalSearchSamplersTest::quadratic, 80);

    FrozenTrial best = study.bestTrial().orElseThrow();
    List<FrozenTrial> late = study.trials().subList(60, 80);
    // Cold: steps of about 0.005 of the range, so late moves cluster around the optimum found.
    assertThat(late).allSatisfy(t -> assertThat(
        Math.abs((Double) t.params().get("x") - (Double) best.params().get("x")))
        .isLessThan(1.0));
    assertThat(best.value().orElseThrow()).isLessThan(0.05);
  }
}
