package dev.serval.train;

import static dev.serval.train.Digits.SPLIT;
import static dev.serval.train.Digits.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.serval.core.InvalidInputException;
import dev.serval.train.data.Dataset;
import dev.serval.train.data.Split;
import dev.serval.train.data.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MlpTrainerTest {
  @Test
  void digitsMlpReachesNinetySixPercentTestAccuracyReportingEveryEpoch() {
    List<EpochProgress> seen = new ArrayList<>();

    TrainedModel model = MlpTrainer.builder().hidden(128).options(options(25).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), seen::add);

    assertThat(model.accuracy(SPLIT.test())).isGreaterThanOrEqualTo(0.96);
    assertThat(seen).isEqualTo(model.history());
    assertThat(seen).extracting(EpochProgress::epoch)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, seen.size()).boxed().toList());
    assertThat(seen.get(seen.size() - 1).trainLoss()).isLessThan(seen.get(0).trainLoss());
  }

  @Test
  void sameSeedGivesTheSameModelAndAnotherSeedAnotherModel() {
    MlpTrainer.Builder trainer = MlpTrainer.builder().hidden(32).batchNorm(true).dropout(0.2);
    TrainingOptions.Builder options = options(3).mixup(0.2);

    byte[] first = train(trainer.options(options.seed(5).build())).toOnnx();
    byte[] second = train(trainer.options(options.seed(5).build())).toOnnx();
    byte[] other = train(trainer.options(options.seed(6).build())).toOnnx();

    assertThat(second).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void earlyStoppingKeepsTheWeightsOfTheBestValidationEpoch() {
    TrainedModel model = MlpTrainer.builder().hidden(256)
        .options(options(500).patience(3).optimizer(Optimizer.adam(0.01)).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), progress -> {});

    List<EpochProgress> history = model.history();
    EpochProgress last = history.get(history.size() - 1);
    assertThat(history.size()).isLessThan(500).isEqualTo(last.bestEpoch() + 3);
    EpochProgress best = history.get(last.bestEpoch() - 1);
    assertThat(model.evaluate(SPLIT.validation()).loss()).isEqualTo(best.validationLoss());
    assertThat(history).allSatisfy(
        epoch -> assertThat(epoch.validationLoss()).isGreaterThanOrEqualTo(best.validationLoss()));
  }

  @Test
  void batchNormDropoutAndMixupTogetherStillLearnTheDigits() {
    TrainedModel model = MlpTrainer.builder().hidden(64, 32).batchNorm(true).dropout(0.2)
        .options(options(20).mixup(0.2).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), progress -> {});

    assertThat(model.accuracy(SPLIT.test())).isGreaterThanOrEqualTo(0.93);
  }

  @Test
  void sgdWithMomentumTanhAndL2LearnTheDigits() {
    TrainedModel model = MlpTrainer.builder().hidden(64).activation(Activation.TANH)
        .options(options(20).optimizer(Optimizer.sgd(0.05, 0.9)).l2(1e-4).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), progress -> {});

    assertThat(model.accuracy(SPLIT.test())).isGreaterThanOrEqualTo(0.95);
  }

  /** Averaging k mini-batches of b rows is one step over k * b rows when the rows line up. */
  @Test
  void gradientAccumulationOfFourBatchesMatchesOneBatchFourTimesLarger() {
    Dataset train = SPLIT.train().subset(IntStream.range(0, 640).toArray());
    TrainingOptions.Builder options = options(2).patience(0);

    TrainedModel accumulated = MlpTrainer.builder().hidden(16)
        .options(options.batchSize(8).gradientAccumulation(4).build()).build()
        .fit(train, SPLIT.validation(), progress -> {});
    TrainedModel large = MlpTrainer.builder().hidden(16)
        .options(options.batchSize(32).gradientAccumulation(1).build()).build()
        .fit(train, SPLIT.validation(), progress -> {});

    float[] x = SPLIT.test().features();
    float[] a = accumulated.logits(x, SPLIT.test().rows());
    float[] b = large.logits(x, SPLIT.test().rows());
    for (int i = 0; i < a.length; i++) {
      assertThat(a[i]).isCloseTo(b[i], within(1e-3f + 1e-3f * Math.abs(b[i])));
    }
    TrainedModel plain = MlpTrainer.builder().hidden(16)
        .options(options.batchSize(8).build()).build()
        .fit(train, SPLIT.validation(), progress -> {});
    assertThat(plain.logits(x, SPLIT.test().rows())).isNotEqualTo(b);
  }

  @Test
  void regressorLearnsASmoothFunctionOfTwoInputs() {
    Split split = waves(2000).split(0.15, 0.15, 3);

    TrainedModel model = MlpTrainer.builder().hidden(64, 64)
        .options(options(150).optimizer(Optimizer.adam(3e-3)).build()).build()
        .fit(split.train(), split.validation(), progress -> {});

    Evaluation test = model.evaluate(split.test());
    assertThat(test.task()).isEqualTo(Task.REGRESSION);
    assertThat(test.metricName()).isEqualTo("rmse");
    // the targets' own spread is about 0.8; a fitted model is far below that
    assertThat(test.metric()).isLessThan(0.1);
  }

  @Test
  void rejectsDataThatDoesNotFit() {
    MlpTrainer trainer = MlpTrainer.builder().options(options(1).build()).build();
    Dataset narrow = Dataset.classification(new float[] {1, 2}, 1, new int[] {0, 1});

    assertThatThrownBy(() -> trainer.fit(SPLIT.train(), narrow, progress -> {}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("validation rows have 1 features but training rows 64");
    assertThatThrownBy(() -> MlpTrainer.builder().hidden(10, 0).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("hidden[1] must be > 0");
    assertThatThrownBy(() -> MlpTrainer.builder().dropout(1).build())
        .hasMessageContaining("dropout must be in [0, 1) but was 1.0");
    assertThatThrownBy(() -> options(1).batchSize(0).build())
        .hasMessageContaining("batchSize must be > 0 but was 0");
  }

  private static TrainedModel train(MlpTrainer.Builder trainer) {
    return trainer.build().fit(SPLIT.train(), SPLIT.validation(), progress -> {});
  }

  /** y = sin(2 x1) + x2² / 2 for x uniform in [-1.5, 1.5]². */
  static Dataset waves(int rows) {
    SplittableRandom random = new SplittableRandom(17);
    float[] x = new float[rows * 2];
    float[] y = new float[rows];
    for (int n = 0; n < rows; n++) {
      x[2 * n] = (float) random.nextDouble(-1.5, 1.5);
      x[2 * n + 1] = (float) random.nextDouble(-1.5, 1.5);
      y[n] = (float) (Math.sin(2 * x[2 * n]) + x[2 * n + 1] * x[2 * n + 1] / 2);
    }
    return Dataset.regression(x, 2, y, 1);
  }
}
