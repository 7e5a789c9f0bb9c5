package dev.serval.train;

import dev.serval.train.data.Dataset;
import java.util.function.Consumer;

/**
 * Trains a multi-layer perceptron: a classifier (softmax cross-entropy) on classification data,
 * a regressor (mean squared error) on regression data. For example, the digits MLP:
 *
 * <pre>{@code
 * Split split = Datasets.digits().split(0.15, 0.15, 7);
 * TrainedModel model = MlpTrainer.builder().hidden(128).build()
 *     .fit(split.train(), split.validation(), progress -> {});
 * double accuracy = model.accuracy(split.test());
 * model.writeOnnx(Path.of("digits.onnx"));
 * }</pre>
 */
public final class MlpTrainer {
  private final DenseStack stack;
  private final TrainingOptions options;

  private MlpTrainer(Builder builder) {
    this.stack = new DenseStack(builder.hidden, builder.activation, builder.batchNorm,
        builder.dropout);
    this.options = builder.options;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains on {@code train}, stopping early on {@code validation}'s loss, and reports each epoch
   * to {@code progress} on the calling thread.
   */
  public TrainedModel fit(Dataset train, Dataset validation, Consumer<EpochProgress> progress) {
    return Fitter.fit(options, train, validation, progress, stack::appendTo);
  }

  /** Settings; by default one hidden layer of 128 ReLU units, no normalization or dropout. */
  public static final class Builder extends TrainerBuilder<Builder> {
    private Activation activation = Activation.RELU;
    private boolean batchNorm;

    private Builder() {
      super(new int[] {128});
    }

    public Builder activation(Activation activation) {
      this.activation = activation;
      return this;
    }

    /** Batch normalization after each hidden Dense; folded into the Gemm when exported. */
    public Builder batchNorm(boolean batchNorm) {
      this.batchNorm = batchNorm;
      return this;
    }

    @Override
    Builder self() {
      return this;
    }

    public MlpTrainer build() {
      return new MlpTrainer(this);
    }
  }
}
