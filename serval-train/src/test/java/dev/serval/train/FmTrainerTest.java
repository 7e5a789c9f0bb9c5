package dev.serval.train;

import static dev.serval.train.Digits.SPLIT;
import static dev.serval.train.Digits.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import dev.serval.train.data.Dataset;
import dev.serval.train.data.Split;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FmTrainerTest {
  @Test
  void learnsThePairwiseSignOfTwoFeaturesThatALinearModelCannot() {
    Split split = interactions(3000, true).split(0.15, 0.15, 4);
    TrainingOptions options = options(60).optimizer(Optimizer.adam(0.01)).build();

    TrainedModel fm = FmTrainer.builder().factors(4).options(options).build()
        .fit(split.train(), split.validation(), progress -> {});
    TrainedModel linear = LinearTrainer.builder().options(options).build()
        .fit(split.train(), split.validation(), progress -> {});

    assertThat(fm.accuracy(split.test())).isGreaterThanOrEqualTo(0.95);
    assertThat(linear.accuracy(split.test())).isLessThan(0.65);
  }

  @Test
  void regressorFitsAProductOfFeatures() {
    Split split = interactions(3000, false).split(0.15, 0.15, 4);

    TrainedModel fm = FmTrainer.builder().factors(2)
        .options(options(100).optimizer(Optimizer.adam(0.01)).build()).build()
        .fit(split.train(), split.validation(), progress -> {});

    // the targets x1 * x2 spread about 0.33; the noise is 0.05
    assertThat(fm.evaluate(split.test()).metric()).isLessThan(0.08);
  }

  @Test
  void learnsTheDigits() {
    TrainedModel model = FmTrainer.builder().factors(8)
        .options(options(40).optimizer(Optimizer.adam(3e-3)).l2(1e-4).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), progress -> {});

    assertThat(model.accuracy(SPLIT.test())).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> FmTrainer.builder().factors(0).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("factors must be > 0 but was 0");
    assertThatThrownBy(() -> FmTrainer.builder().initStd(-0.1).build())
        .hasMessageContaining("initStd must be a finite number > 0 but was -0.1");
  }

  /**
   * x uniform in [-1, 1]^4; the target is x1 * x2 (plus noise) for a regressor, whether it is
   * positive for a classifier. The other two features are noise.
   */
  static Dataset interactions(int rows, boolean classes) {
    SplittableRandom random = new SplittableRandom(23);
    float[] x = new float[rows * 4];
    float[] y = new float[rows];
    int[] labels = new int[rows];
    for (int n = 0; n < rows; n++) {
      for (int i = 0; i < 4; i++) {
        x[n * 4 + i] = (float) random.nextDouble(-1, 1);
      }
      double product = x[n * 4] * x[n * 4 + 1];
      y[n] = (float) (product + 0.05 * random.nextDouble(-1, 1) * Math.sqrt(3));
      labels[n] = product > 0 ? 1 : 0;
    }
    return classes ? Dataset.classification(x, 4, labels) : Dataset.regression(x, 4, y, 1);
  }
}
