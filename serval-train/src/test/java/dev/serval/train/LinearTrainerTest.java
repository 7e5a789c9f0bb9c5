package dev.serval.train;

import static dev.serval.train.Digits.SPLIT;
import static dev.serval.train.Digits.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.serval.core.InvalidInputException;
import dev.serval.train.data.Dataset;
import dev.serval.train.internal.Sampling;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearTrainerTest {
  private static final float[] COEFFICIENTS = {3, -2, 0.5f, 0, 0, 0};
  private static final float INTERCEPT = 1.5f;

  @Test
  void softmaxRegressionLearnsTheDigits() {
    TrainedModel model = LinearTrainer.builder()
        .options(options(60).optimizer(Optimizer.adam(3e-3)).l2(1e-4).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), progress -> {});

    assertThat(model.accuracy(SPLIT.test())).isGreaterThanOrEqualTo(0.94);
  }

  @Test
  void leastSquaresRecoversTheCoefficientsOfNoisyLinearData() {
    Dataset data = linear(2000, 0.1, 0);

    TrainedModel model = LinearTrainer.builder()
        .options(options(200).optimizer(Optimizer.adam(0.01)).build()).build()
        .fit(data, linear(300, 0.1, 0), progress -> {});

    assertCoefficients(model, 0.02);
  }

  @Test
  void huberLossIgnoresOutliersThatPullLeastSquaresAway() {
    Dataset spoiled = linear(2000, 0.1, 0.05);
    TrainingOptions.Builder options = options(200).optimizer(Optimizer.adam(0.01));

    TrainedModel huber = LinearTrainer.builder().options(options.huber(0.5).build()).build()
        .fit(spoiled, spoiled, progress -> {});
    TrainedModel squares = LinearTrainer.builder().options(options.huber(0).build()).build()
        .fit(spoiled, spoiled, progress -> {});

    assertCoefficients(huber, 0.05);
    assertThat(Math.abs(bias(squares) - INTERCEPT)).isGreaterThan(0.5f);
  }

  @Test
  void l1PenaltyZeroesTheWeightsOfIrrelevantFeatures() {
    // full batches: mini-batch noise would swamp the penalty's constant pull towards zero
    Dataset data = linear(500, 0.5, 0);
    TrainingOptions.Builder options = options(100).batchSize(500).patience(0)
        .optimizer(Optimizer.sgd(0.1, 0));

    TrainedModel plain = LinearTrainer.builder().options(options.build()).build()
        .fit(data, data, progress -> {});
    TrainedModel sparse = LinearTrainer.builder().options(options.l1(0.1).build()).build()
        .fit(data, data, progress -> {});

    assertThat(irrelevantWeight(plain)).isGreaterThan(0.01);
    assertThat(irrelevantWeight(sparse)).isZero();
    assertThat(weights(sparse)[0]).isCloseTo(3, within(0.2f));
  }

  @Test
  void rejectsBadPenalties() {
    assertThatThrownBy(() -> options(1).l1(-1).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("l1 must be a finite number >= 0 but was -1.0");
    assertThatThrownBy(() -> options(1).huber(Double.NaN).build())
        .hasMessageContaining("huberDelta must be a finite number >= 0 but was NaN");
    assertThatThrownBy(() -> LinearTrainer.builder().options(null))
        .hasMessageContaining("options must not be null");
  }

  private static void assertCoefficients(TrainedModel model, double tolerance) {
    float[] w = weights(model);
    for (int i = 0; i < COEFFICIENTS.length; i++) {
      assertThat(w[i]).as("coefficient %s", i)
          .isCloseTo(COEFFICIENTS[i], within((float) tolerance));
    }
    assertThat(bias(model)).isCloseTo(INTERCEPT, within((float) tolerance));
  }

  private static double irrelevantWeight(TrainedModel model) {
    float[] w = weights(model);
    return Math.abs(w[3]) + Math.abs(w[4]) + Math.abs(w[5]);
  }

  /** The model is linear in its raw inputs, so f(e_i) - f(0) is coefficient i. */
  private static float[] weights(TrainedModel model) {
    int n = COEFFICIENTS.length;
    float[] units = new float[n * n];
    for (int i = 0; i < n; i++) {
      units[i * n + i] = 1;
    }
    float[] at = model.predict(units, n);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = at[i] - bias(model);
    }
    return w;
  }

  private static float bias(TrainedModel model) {
    return model.predict(new float[COEFFICIENTS.length], 1)[0];
  }

  /**
   * y = COEFFICIENTS . x + INTERCEPT + normal noise of {@code noise}, x uniform in [-1, 1]; a
   * share {@code outliers} of the rows gets 50 added to y.
   */
  static Dataset linear(int rows, double noise, double outliers) {
    SplittableRandom random = new SplittableRandom(rows);
    int n = COEFFICIENTS.length;
    float[] x = new float[rows * n];
    float[] y = new float[rows];
    for (int r = 0; r < rows; r++) {
      double sum = INTERCEPT + noise * Sampling.normal(random);
      for (int i = 0; i < n; i++) {
        x[r * n + i] = (float) random.nextDouble(-1, 1);
        sum += COEFFICIENTS[i] * x[r * n + i];
      }
      y[r] = (float) (sum + (random.nextDouble() < outliers ? 50 : 0));
    }
    return Dataset.regression(x, n, y, 1);
  }
}
