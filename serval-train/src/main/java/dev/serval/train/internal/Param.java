package dev.serval.train.internal;

/** A trainable array with its accumulated gradient. */
public final class Param {
  private final float[] value;
  private final float[] grad;
  private final boolean decays;

  /** {@code decays}: whether L2 regularization applies (weights yes; biases and scales no). */
  public Param(float[] value, boolean decays) {
    this.value = value;
    this.grad = new float[value.length];
    this.decays = decays;
  }

  /** The live values, updated in place by the optimizer. */
  public float[] value() {
    return value;
  }

  /** The live gradient, added to by backward passes and cleared after each optimizer step. */
  public float[] grad() {
    return grad;
  }

  public boolean decays() {
    return decays;
  }
}
