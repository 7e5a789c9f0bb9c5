package dev.serval.tune.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.Condition;
import dev.serval.tune.FloatParam;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.IntParam;
import dev.serval.tune.Param;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What every sampler must keep, whatever it learns: the domain, conditions and the seed. */
class SamplerPropertiesTest {
  static final SearchSpace SPACE = SearchSpace.builder()
      .add(FloatParam.logUniform("lr", 1e-4, 1))
      .add(FloatParam.stepped("dropout", 0, 0.5, 0.1))
      .add(IntParam.of("layers", 1, 8))
      .add(IntParam.logUniform("width", 8, 512))
      .add(IntParam.stepped("batch", 16, 128, 16))
      .add(CategoricalParam.of("optimizer", "sgd", "adam", "rmsprop"))
      .add(FloatParam.uniform("momentum", 0, 0.99), Condition.when("optimizer", "sgd"))
      .build();

  static Stream<Arguments> samplers() {
    return Stream.of(
        Arguments.of("random", (Supplier<Sampler>) RandomSampler::new),
        Arguments.of("qmc", (Supplier<Sampler>) QmcSampler::new),
        Arguments.of("tpe", (Supplier<Sampler>) () -> TpeSampler.builder().build()),
        Arguments.of("tpe-multivariate",
            (Supplier<Sampler>) () -> TpeSampler.builder().multivariate(true).build()),
        Arguments.of("auto", (Supplier<Sampler>) () -> AutoSampler.builder().build()),
        Arguments.of("gp", (Supplier<Sampler>) () -> GpSampler.builder().build()),
        Arguments.of("cmaes", (Supplier<Sampler>) () -> CmaEsSampler.builder().build()),
        Arguments.of("anneal",
            (Supplier<Sampler>) () -> SimulatedAnnealingSampler.builder().build()),
        Arguments.of("ga", (Supplier<Sampler>) () -> GeneticSampler.builder().build()));
  }

  /** A bumpy objective so that TPE's model has something to fit. */
  static double objective(Map<String, Object> p) {
    double lr = Math.log10((Double) p.get("lr"));
    return (lr + 2) * (lr + 2) + (Integer) p.get("layers") * 0.1
        + (p.get("optimizer").equals("adam") ? 0 : 0.5);
  }

  static List<FrozenTrial> run(Sampler sampler, long seed, int trials) {
    Study study = Study.builder().space(SPACE).sampler(sampler).seed(seed).build();
    study.optimize(t -> objective(t.params()), trials);
    return study.trials();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samplers")
  void everySuggestionIsInTheDomainAndConditionalParamsOnlyWhenActive(
      String name, Supplier<Sampler> sampler) {
    for (FrozenTrial trial : run(sampler.get(), 1, 150)) {
      Map<String, Object> params = trial.params();
      for (Param param : SPACE.params()) {
        boolean active = SPACE.isActive(param.name(), params);
        assertThat(params.containsKey(param.name())).as(param.name()).isEqualTo(active);
        if (active) {
          assertThat(param.contains(params.get(param.name())))
              .as("%s = %s", param.name(), params.get(param.name())).isTrue();
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samplers")
  void categoricalSuggestionsCoverEveryChoice(String name, Supplier<Sampler> sampler) {
    assertThat(run(sampler.get(), 2, 60).stream().map(t -> t.params().get("optimizer")))
        .contains("sgd", "adam", "rmsprop");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samplers")
  void sameSeedGivesTheSameSuggestions(String name, Supplier<Sampler> sampler) {
    List<Map<String, Object>> first = params(run(sampler.get(), 42, 30));
    List<Map<String, Object>> again = params(run(sampler.get(), 42, 30));
    List<Map<String, Object>> other = params(run(sampler.get(), 43, 30));

    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("uninformed")
  void logScaleIsUniformInTheExponent(String name, Supplier<Sampler> sampler) {
    List<FrozenTrial> trials = run(sampler.get(), 3, 400);
    // lr in [1e-4, 1]: each decade should get about a quarter of the draws.
    for (int decade = -4; decade < 0; decade++) {
      double low = Math.pow(10, decade);
      long inDecade = trials.stream().map(t -> (Double) t.params().get("lr"))
          .filter(lr -> lr >= low && lr < low * 10).count();
      assertThat(inDecade).as("draws in [1e%d, 1e%d)", decade, decade + 1)
          .isBetween(70L, 130L);
    }
  }

  static Stream<Arguments> uninformed() {
    return samplers().filter(a -> List.of("random", "qmc").contains(a.get()[0]));
  }

  private static List<Map<String, Object>> params(List<FrozenTrial> trials) {
    return trials.stream().map(FrozenTrial::params).toList();
  }
}
