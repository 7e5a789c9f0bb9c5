package dev.serval.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.serval.tune.sampler.AutoSampler;
import dev.serval.tune.sampler.GeneticSampler;
import dev.serval.tune.sampler.RandomSampler;
import dev.serval.tune.sampler.Sampler;
import dev.serval.tune.sampler.TpeSampler;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Constrained studies: feasibility kept per trial, best trials feasible, samplers guided. */
class ConstraintsTest {
  static final SearchSpace SPACE = SearchSpace.builder()
      .add(FloatParam.uniform("x", 0, 1))
      .add(FloatParam.uniform("y", 0, 1))
      .build();

  /** Minimize x + y subject to x + y >= 1.2 (a feasible band in a corner; optimum 1.2). */
  static Study study(Sampler sampler, long seed) {
    return Study.builder().space(SPACE).sampler(sampler).seed(seed)
        .constraints(t -> new double[] {1.2 - (Double) t.params().get("x")
            - (Double) t.params().get("y")})
        .build();
  }

  static double sum(Trial t) {
    return t.doubleParam("x") + t.doubleParam("y");
  }

  static Stream<Arguments> samplers() {
    return Stream.of(
        Arguments.of("tpe", (Supplier<Sampler>) () -> TpeSampler.builder().build()),
        Arguments.of("tpe-multivariate",
            (Supplier<Sampler>) () -> TpeSampler.builder().multivariate(true).build()),
        Arguments.of("nsga2", (Supplier<Sampler>) () -> GeneticSampler.builder().build()),
        Arguments.of("auto", (Supplier<Sampler>) () -> AutoSampler.builder().build()));
  }

  @Test
  void feasibilityIsStoredAndTheBestTrialIsTheBestFeasibleOne() {
    Study study = study(new RandomSampler(), 1);
    study.optimize(ConstraintsTest::sum, 40);

    FrozenTrial best = study.bestTrial().orElseThrow();
    assertThat(best.isFeasible()).isTrue();
    for (FrozenTrial t : study.trials()) {
      double s = (Double) t.params().get("x") + (Double) t.params().get("y");
      assertThat(t.constraints()).hasValueSatisfying(c -> assertThat(c).hasSize(1)
          .satisfies(v -> assertThat(v[0]).isCloseTo(1.2 - s, offset(1e-12))));
      assertThat(t.isFeasible()).isEqualTo(s >= 1.2);
      if (t.isFeasible()) {
        assertThat(t.value().orElseThrow()).isGreaterThanOrEqualTo(best.value().orElseThrow());
      }
    }
    assertThat(study.trials().stream().anyMatch(t -> !t.isFeasible()
        && t.value().orElseThrow() < best.value().orElseThrow())).isTrue();
    assertThat(study.bestTrials()).containsExactly(best);
  }

  @Test
  void aFailingConstraintFailsTheTrialWithTheReason() {
    Study study = Study.builder().space(SPACE).sampler(new RandomSampler()).seed(2)
        .constraints(t -> {
          throw new IllegalStateException("no budget data");
        })
        .build();
    study.optimize(ConstraintsTest::sum, 2);

    assertThat(study.trials()).allSatisfy(t -> {
      assertThat(t.state()).isEqualTo(TrialState.FAIL);
      assertThat(t.userAttributes().get("error").toString())
          .isEqualTo("constraints failed: java.lang.IllegalStateException: no budget data");
    });
    assertThat(study.bestTrial()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samplers")
  void samplersThatKnowConstraintsFindBetterFeasibleTrialsThanRandom(String name,
      Supplier<Sampler> sampler) {
    double guided = medianBestFeasible(sampler);
    double random = medianBestFeasible(RandomSampler::new);

    assertThat(guided).as("%s %s vs random %s", name, guided, random).isLessThan(random);
  }

  private static double medianBestFeasible(Supplier<Sampler> sampler) {
    double[] best = LongStream.range(0, 9).mapToDouble(seed -> {
      Study study = study(sampler.get(), seed);
      study.optimize(ConstraintsTest::sum, 60);
      return study.bestTrial().map(t -> t.value().orElseThrow()).orElse(2.0);
    }).sorted().toArray();
    return best[4];
  }
}
