package dev.serval.train;

import static dev.serval.train.internal.Checks.require;

/** Settings every trainer has: the hidden dense layers, their dropout, the training options. */
public abstract class TrainerBuilder<B extends TrainerBuilder<B>> {
  int[] hidden;
  double dropout;
  TrainingOptions options = TrainingOptions.defaults();

  TrainerBuilder(int[] hidden) {
    this.hidden = hidden;
  }

  /** Hidden dense layer widths, input side first. */
  public B hidden(int... widths) {
    this.hidden = widths;
    return self();
  }

  /** Dropout rate after each hidden dense layer's activation, in [0, 1). */
  public B dropout(double rate) {
    this.dropout = rate;
    return self();
  }

  public B options(TrainingOptions options) {
    require(options != null, "options must not be null");
    this.options = options;
    return self();
  }

  abstract B self();
}
