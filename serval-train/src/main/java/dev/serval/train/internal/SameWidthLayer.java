package dev.serval.train.internal;

/** A layer whose output row is as wide as its input row. */
abstract class SameWidthLayer implements Layer {
  protected final int width;

  SameWidthLayer(int width) {
    this.width = width;
  }

  @Override
  public final int inputWidth() {
    return width;
  }

  @Override
  public final int outputWidth() {
    return width;
  }
}
