package dev.serval.train;

import static dev.serval.train.internal.Checks.positive;

import dev.serval.train.data.Dataset;
import dev.serval.train.internal.Factorization;
import java.util.function.Consumer;

/**
 * Trains a second-order factorization machine (Rendle 2010): for each output c,
 * {@code y_c = b_c + <w_c, x> + sum_{i<j} <v_ci, v_cj> x_i x_j} with k-dimensional factors
 * {@code v_ci}, so that every pair of features interacts through k numbers per feature. A
 * classifier has one such machine per class (its own w and V), fed to a softmax; a regressor
 * one per target. The L2 penalty of the options applies to w and V, not to the biases.
 */
public final class FmTrainer {
  private final int factors;
  private final double initStd;
  private final TrainingOptions options;

  private FmTrainer(Builder builder) {
    this.factors = positive("factors", builder.factors);
    this.initStd = positive("initStd", builder.initStd);
    this.options = builder.options;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Trains like {@link MlpTrainer#fit}. */
  public TrainedModel fit(Dataset train, Dataset validation, Consumer<EpochProgress> progress) {
    return Fitter.fit(options, train, validation, progress, (layers, inputs, outputs, random) ->
        layers.add(Factorization.create("fm", inputs, outputs, factors, initStd, random.split())));
  }

  /** Settings; by default 8 factors drawn from a normal of standard deviation 0.1. */
  public static final class Builder extends OptionsBuilder<Builder> {
    private int factors = 8;
    private double initStd = 0.1;

    private Builder() {}

    /** k, the length of each feature's factor vector. */
    public Builder factors(int factors) {
      this.factors = factors;
      return this;
    }

    /** Standard deviation of the normal that the factors start from. */
    public Builder initStd(double initStd) {
      this.initStd = initStd;
      return this;
    }

    @Override
    Builder self() {
      return this;
    }

    public FmTrainer build() {
      return new FmTrainer(this);
    }
  }
}
