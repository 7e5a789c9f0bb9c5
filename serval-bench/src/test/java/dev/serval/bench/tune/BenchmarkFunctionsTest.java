package dev.serval.bench.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkFunctionsTest {
  @Test
  void braninReachesItsOptimumAtAllThreeMinimizers() {
    assertThat(BenchmarkFunctions.branin(-Math.PI, 12.275)).isCloseTo(0.397887, within(1e-6));
    assertThat(BenchmarkFunctions.branin(Math.PI, 2.275)).isCloseTo(0.397887, within(1e-6));
    assertThat(BenchmarkFunctions.branin(9.42478, 2.475)).isCloseTo(0.397887, within(1e-6));
  }

  @Test
  void hartmann6ReachesItsPublishedOptimum() {
    double[] best = {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573};
    assertThat(BenchmarkFunctions.hartmann6(best)).isCloseTo(-3.32237, within(1e-5));
    assertThat(BenchmarkFunctions.hartmann6(new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}))
        .isGreaterThan(-3.32237);
  }

  @Test
  void rosenbrockIsZeroOnlyAtOnes() {
    assertThat(BenchmarkFunctions.rosenbrock(new double[] {1, 1, 1, 1})).isZero();
    assertThat(BenchmarkFunctions.rosenbrock(new double[] {0, 0, 0, 0})).isEqualTo(3);
  }

  @Test
  void mixedObjectiveIsBestWithReluFiveLayersAndMidLearningRate() {
    assertThat(BenchmarkFunctions.mixed(Math.pow(10, -2.5), 5, "relu"))
        .isCloseTo(0, within(1e-12));
    assertThat(BenchmarkFunctions.mixed(1e-4, 8, "sigmoid"))
        .isCloseTo(2.25 + 0.9 + 1, within(1e-9));
  }

  @Test
  void quartilesInterpolateLikeNumpy() {
    BestValues values = new BestValues("f", "s", 0, 50, List.of(4.0, 1.0, 3.0, 2.0));
    assertThat(values.median()).isEqualTo(2.5);
    assertThat(values.q1()).isEqualTo(1.75);
    assertThat(values.q3()).isEqualTo(3.25);
  }
}
