package dev.serval.train;

import static dev.serval.train.internal.Checks.nonNegative;
import static dev.serval.train.internal.Checks.positive;
import static dev.serval.train.internal.Checks.require;

import java.util.Optional;

/**
 * How a network is trained, shared by every trainer. Training is single-threaded and draws all
 * randomness (initial weights, shuffling, dropout, mixup) from {@link #seed()}, so that the same
 * options and data always give the same model.
 *
 * @param l2 penalty {@code l2 * w} added to the gradient of every weight (not biases)
 * @param l1 penalty {@code l1 * sign(w)} added to the gradient of every weight, a step that
 *     would cross zero stopping there; with {@code l2}, an elastic net
 * @param huberDelta regression loss: 0 is squared error, a positive value the Huber loss that is
 *     linear for errors beyond it (ignored by classifiers)
 * @param patience epochs without a lower validation loss before training stops; 0 trains all
 *     epochs (the weights of the best epoch are kept either way)
 * @param gradientAccumulation mini-batches whose gradients are averaged into one update
 * @param mixupAlpha Beta(alpha, alpha) mixing of pairs of rows and their targets; 0 is off
 * @param standardize whether the model centres and scales its raw inputs (statistics of the
 *     training rows, inside the exported model too)
 */
public record TrainingOptions(int epochs, int batchSize, Optimizer optimizer, double l2,
    double l1, double huberDelta, int gradientAccumulation, double mixupAlpha, int patience,
    long seed, boolean standardize, Optional<Distillation> distillation) {

  public TrainingOptions {
    positive("epochs", epochs);
    positive("batchSize", batchSize);
    require(optimizer != null, "optimizer must not be null");
    nonNegative("l2", l2);
    nonNegative("l1", l1);
    nonNegative("huberDelta", huberDelta);
    positive("gradientAccumulation", gradientAccumulation);
    require(mixupAlpha >= 0 && Double.isFinite(mixupAlpha),
        "mixupAlpha must be a finite number >= 0 (0 = off) but was " + mixupAlpha);
    require(patience >= 0, "patience must be >= 0 (0 = no early stopping) but was " + patience);
    require(distillation != null, "distillation must not be null; use Optional.empty()");
  }

  public static Builder builder() {
    return new Builder();
  }

  public static TrainingOptions defaults() {
    return builder().build();
  }

  /** Defaults: 100 epochs, batches of 32, Adam 1e-3, patience 10, standardized inputs. */
  public static final class Builder {
    private int epochs = 100;
    private int batchSize = 32;
    private Optimizer optimizer = Optimizer.adam(1e-3);
    private double l2;
    private double l1;
    private double huberDelta;
    private int gradientAccumulation = 1;
    private double mixupAlpha;
    private int patience = 10;
    private long seed;
    private boolean standardize = true;
    private Distillation distillation;

    private Builder() {}

    public Builder epochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder optimizer(Optimizer optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    /** L2 penalty on weights (not biases or normalization scales), added to their gradient. */
    public Builder l2(double l2) {
      this.l2 = l2;
      return this;
    }

    /** L1 penalty on weights, added to their gradient as l1 * sign(weight). */
    public Builder l1(double l1) {
      this.l1 = l1;
      return this;
    }

    /** Regression with the Huber loss of this delta instead of squared error; 0 = squared. */
    public Builder huber(double delta) {
      this.huberDelta = delta;
      return this;
    }

    public Builder gradientAccumulation(int batches) {
      this.gradientAccumulation = batches;
      return this;
    }

    public Builder mixup(double alpha) {
      this.mixupAlpha = alpha;
      return this;
    }

    public Builder patience(int epochs) {
      this.patience = epochs;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder standardize(boolean standardize) {
      this.standardize = standardize;
      return this;
    }

    /** Learn from a teacher's softened outputs as well as the labels (classifiers only). */
    public Builder distillation(Distillation distillation) {
      this.distillation = distillation;
      return this;
    }

    public TrainingOptions build() {
      return new TrainingOptions(epochs, batchSize, optimizer, l2, l1, huberDelta,
          gradientAccumulation, mixupAlpha, patience, seed, standardize,
          Optional.ofNullable(distillation));
    }
  }
}
