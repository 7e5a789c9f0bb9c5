package dev.serval.tune.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.FloatParam;
import dev.serval.tune.IntParam;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TpeSamplerTest {
  private static final SearchSpace SPACE = SearchSpace.builder()
      .add(FloatParam.uniform("x", -10, 10))
      .add(FloatParam.uniform("y", -10, 10))
      .build();

  private static double quadratic(double x, double y) {
    return (x - 3) * (x - 3) + (y + 2) * (y + 2);
  }

  private static double medianBest(Supplier<Sampler> sampler) {
    double[] best = LongStream.range(0, 20).mapToDouble(seed -> {
      Study study = Study.builder().space(SPACE).sampler(sampler.get()).seed(seed).build();
      study.optimize(t -> quadratic(t.doubleParam("x"), t.doubleParam("y")), 60);
      return study.bestTrial().orElseThrow().value().orElseThrow();
    }).sorted().toArray();
    return (best[9] + best[10]) / 2;
  }

  @Test
  void beatsRandomSearchOnAQuadratic() {
    double tpe = medianBest(() -> TpeSampler.builder().build());
    double random = medianBest(RandomSampler::new);

    // Random search over 60 trials typically ends near 1.5; TPE should be well below half that.
    assertThat(tpe).as("TPE %s vs random %s", tpe, random).isLessThan(random / 2);
  }

  @Test
  void multivariateBeatsRandomSearchOnAQuadratic() {
    double tpe = medianBest(() -> TpeSampler.builder().multivariate(true).build());
    double random = medianBest(RandomSampler::new);

    assertThat(tpe).as("TPE %s vs random %s", tpe, random).isLessThan(random / 2);
  }

  @Test
  void concentratesOnTheBestCategoryAfterStartup() {
    SearchSpace space = SearchSpace.builder()
        .add(CategoricalParam.of("c", "a", "b", "c", "d")).build();
    Study study = Study.builder().space(space).seed(5).build();
    study.optimize(t -> t.stringParam("c").equals("c") ? 0 : 1, 60);

    long lateHits = study.trials().stream().skip(30)
        .filter(t -> t.params().get("c").equals("c")).count();
    assertThat(lateHits).isGreaterThan(20);
  }

  @Test
  void steppedAndIntegerSuggestionsStayOnTheGridNearTheOptimum() {
    SearchSpace space = SearchSpace.builder()
        .add(FloatParam.stepped("x", 0, 10, 0.5))
        .add(IntParam.logUniform("n", 1, 1000))
        .build();
    Study study = Study.builder().space(space).seed(9).build();
    study.optimize(t -> Math.abs(t.doubleParam("x") - 7.5)
        + Math.abs(Math.log(t.intParam("n")) - Math.log(40)), 80);

    var best = study.bestTrial().orElseThrow().params();
    assertThat((Double) best.get("x")).isCloseTo(7.5, offset(1.0));
    assertThat((Integer) best.get("n")).isBetween(15, 110);
  }
}
