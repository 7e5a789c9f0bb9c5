package dev.serval.tune.sampler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoxLbfgsTest {
  private static final double[] LOWER = {0, 0};
  private static final double[] UPPER = {1, 1};

  /** {@code -1000 x0 + 50 (x1 - 0.3)^2}: x0 presses on its upper bound, x1 is free. */
  private static double pressedOnBound(double[] x, double[] gradient) {
    gradient[0] = -1000;
    gradient[1] = 100 * (x[1] - 0.3);
    return -1000 * x[0] + 50 * (x[1] - 0.3) * (x[1] - 0.3);
  }

  @Test
  void findsTheOptimumOfTheFreeCoordinateBesideAnActiveBound() {
    BoxLbfgs.Result result = new BoxLbfgs(LOWER, UPPER, 50, 1e-12, 1e-9)
        .minimize(BoxLbfgsTest::pressedOnBound, new double[] {0.5, 0.9});

    assertThat(result.point()[0]).isEqualTo(1);
    assertThat(result.point()[1]).isCloseTo(0.3, within(1e-6));
  }

  @Test
  void stopsWithoutAStepWhenOnlyCoordinatesAtABoundHaveGradient() {
    AtomicInteger evaluations = new AtomicInteger();
    new BoxLbfgs(LOWER, UPPER, 50, 1e-12, 1e-3).minimize((x, g) -> {
      evaluations.incrementAndGet();
      return pressedOnBound(x, g);
    }, new double[] {1, 0.3});

    assertThat(evaluations).hasValue(1);
  }
}
