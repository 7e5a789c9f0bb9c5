package dev.serval.train;

/** Settings of the network trainers: the hidden dense layers, their dropout, the options. */
public abstract class TrainerBuilder<B extends TrainerBuilder<B>> extends OptionsBuilder<B> {
  int[] hidden;
  double dropout;

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
}
