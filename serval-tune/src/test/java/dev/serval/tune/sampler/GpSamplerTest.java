package dev.serval.tune.sampler;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.FloatParam;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.IntParam;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class GpSamplerTest {
  private static final double BRANIN_MINIMUM = 0.397887;
  private static final SearchSpace BRANIN_SPACE = SearchSpace.builder()
      .add(FloatParam.uniform("x1", -5, 10))
      .add(FloatParam.uniform("x2", 0, 15))
      .build();

  static double branin(double x1, double x2) {
    double b = 5.1 / (4 * Math.PI * Math.PI);
    double c = 5 / Math.PI;
    double t = 1 / (8 * Math.PI);
    double a = x2 - b * x1 * x1 + c * x1 - 6;
    return a * a + 10 * (1 - t) * Math.cos(x1) + 10;
  }

  private static double braninBest(long seed, int trials) {
    Study study = Study.builder().space(BRANIN_SPACE).sampler(GpSampler.builder().build())
        .seed(seed).build();
    study.optimize(t -> branin(t.doubleParam("x1"), t.doubleParam("x2")), trials);
    return study.bestTrial().orElseThrow().value().orElseThrow();
  }

  @Test
  void reachesTheBraninOptimumWithinFiftyTrials() {
    double[] best = LongStream.range(0, 5).mapToDouble(seed -> braninBest(seed, 50))
        .sorted().toArray();
    System.out.println("GP Branin best of 50 trials, 5 seeds: "
        + Arrays.toString(best));

    assertThat(best[2]).as("median of %s", Arrays.toString(best))
        .isLessThan(BRANIN_MINIMUM + 0.01);
  }

  @Test
  void mixedSuggestionsStayInTheirDomainsAndFindTheBestRegionOverTwoHundredTrials() {
    SearchSpace space = SearchSpace.builder()
        .add(FloatParam.logUniform("lr", 1e-5, 1))
        .add(FloatParam.stepped("dropout", 0, 0.5, 0.1))
        .add(IntParam.of("layers", 1, 6))
        .add(CategoricalParam.of("act", "relu", "tanh", "gelu"))
        .build();
    Study study = Study.builder().space(space).sampler(GpSampler.builder().build()).seed(7)
        .direction(dev.serval.tune.Direction.MAXIMIZE).build();
    long[] askNanos = new long[200];
    for (int i = 0; i < askNanos.length; i++) {
      long start = System.nanoTime();
      dev.serval.tune.Trial trial = study.ask();
      askNanos[i] = System.nanoTime() - start;
      double lr = Math.log10(trial.doubleParam("lr"));
      study.tell(trial, -(lr + 3) * (lr + 3) - Math.abs(trial.doubleParam("dropout") - 0.2)
          - 0.1 * Math.abs(trial.intParam("layers") - 4)
          - (trial.stringParam("act").equals("gelu") ? 0 : 1));
    }
    double lateMillis = Arrays.stream(askNanos, 190, 200).average().orElseThrow() / 1e6;
    System.out.printf("GP ask time at trials 190-199 (4 params, 8 GP inputs): %.1f ms%n",
        lateMillis);

    for (FrozenTrial trial : study.trials()) {
      space.params().forEach(p -> assertThat(p.contains(trial.params().get(p.name())))
          .as("%s = %s", p.name(), trial.params().get(p.name())).isTrue());
    }
    Map<String, Object> best = study.bestTrial().orElseThrow().params();
    assertThat(best).containsEntry("act", "gelu").containsEntry("layers", 4)
        .containsEntry("dropout", 0.2);
    assertThat((Double) best.get("lr")).isBetween(3e-4, 3e-3);
  }
}
