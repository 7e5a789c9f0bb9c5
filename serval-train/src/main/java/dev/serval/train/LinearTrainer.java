package dev.serval.train;

import dev.serval.train.data.Dataset;
import java.util.function.Consumer;

/**
 * Trains a linear model by mini-batch gradient descent: softmax (multinomial logistic)
 * regression on classification data, least squares (or Huber, {@link
 * TrainingOptions.Builder#huber}) on regression data, with L2 and L1 penalties (elastic net)
 * from the options. It is an {@link MlpTrainer} without hidden layers, so it shares the MLP's
 * standardization, early stopping and export: standardization, one Gemm, Softmax.
 */
public final class LinearTrainer {
  private static final DenseStack NO_HIDDEN_LAYERS =
      new DenseStack(new int[0], Activation.RELU, false, 0);

  private final TrainingOptions options;

  private LinearTrainer(Builder builder) {
    this.options = builder.options;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Trains like {@link MlpTrainer#fit}. */
  public TrainedModel fit(Dataset train, Dataset validation, Consumer<EpochProgress> progress) {
    return Fitter.fit(options, train, validation, progress, NO_HIDDEN_LAYERS::appendTo);
  }

  /** Settings: only the {@link TrainingOptions}. */
  public static final class Builder extends OptionsBuilder<Builder> {
    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public LinearTrainer build() {
      return new LinearTrainer(this);
    }
  }
}
