package dev.serval.tune.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.FloatParam;
import dev.serval.tune.IntParam;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The estimator against Optuna 3.1.0's {@code _ParzenEstimator.log_pdf} on the same
 * observations (values printed by Optuna 3.1.0, Debian's python3-optuna, default parameters).
 */
class ParzenEstimatorTest {
  @Test
  void univariateContinuousMatchesOptuna31() {
    ParzenEstimator pe = new ParzenEstimator(List.of(FloatParam.uniform("x", -5, 10)),
        new double[][] {{1}, {2.5}, {-4}, {9}, {3}}, new double[] {1, 1, 1, 1, 1}, 1, false);

    double[] x = {-5, -2, 0, 1, 2.7, 6, 9.5};
    double[] optuna = {-1.0581567296, -0.8506669013, -0.7365620182, -0.6889092389,
        -0.6655658521, -0.8448602462, -1.0683119615};
    for (int i = 0; i < x.length; i++) {
      assertThat(pe.logPdf(new double[] {x[i]})).as("x = %s", x[i])
          .isCloseTo(optuna[i], offset(1e-6));
    }
  }

  @Test
  void univariateIntegerMatchesOptuna31() {
    ParzenEstimator pe = new ParzenEstimator(List.of(IntParam.of("n", 1, 8)),
        new double[][] {{2}, {5}, {5}, {8}}, new double[] {1, 1, 1, 1}, 1, false);

    double[] optuna = {-2.5036021353, -2.2987045367, -2.0842941972, -1.8745156986,
        -1.7852375086, -1.8856144173, -2.1046108076, -2.3165716525};
    for (int n = 1; n <= 8; n++) {
      assertThat(pe.logPdf(new double[] {n})).as("n = %d", n)
          .isCloseTo(optuna[n - 1], offset(1e-6));
    }
  }

  @Test
  void multivariateMixedSpaceMatchesOptuna31() {
    ParzenEstimator pe = new ParzenEstimator(List.of(FloatParam.logUniform("lr", 1e-4, 1),
        IntParam.of("n", 1, 8), CategoricalParam.of("a", "x", "y", "z")),
        new double[][] {{Math.log(1e-3), 2, 0}, {Math.log(0.1), 5, 2}, {Math.log(0.5), 7, 0}},
        new double[] {1, 1, 1}, 1, true);

    assertThat(pe.logPdf(new double[] {Math.log(2e-3), 3, 0}))
        .isCloseTo(-3.52672932, offset(1e-6));
    assertThat(pe.logPdf(new double[] {Math.log(0.3), 8, 1})).isCloseTo(-4.1725073, offset(1e-6));
  }

  @Test
  void samplesStayOnTheGridAndChoicesAndFollowTheObservations() {
    ParzenEstimator pe = new ParzenEstimator(List.of(IntParam.stepped("b", 16, 128, 16),
        CategoricalParam.of("a", "x", "y", "z")),
        new double[][] {{32, 2}, {32, 2}, {48, 2}}, new double[] {1, 1, 1}, 1, true);
    SplittableRandom random = new SplittableRandom(1);

    int nearObserved = 0;
    for (int i = 0; i < 500; i++) {
      double[] x = pe.sample(random);
      assertThat((x[0] - 16) % 16).isZero();
      assertThat(x[0]).isBetween(16.0, 128.0);
      assertThat(x[1]).isIn(0.0, 1.0, 2.0);
      nearObserved += x[0] <= 48 && x[1] == 2 ? 1 : 0;
    }
    // Uniform draws would land there about 500 * 3/8 * 1/3 = 62 times.
    assertThat(nearObserved).isGreaterThan(150);
  }
}
