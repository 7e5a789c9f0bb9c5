package dev.serval.train.data;

import java.util.Arrays;

/** An n-dimensional array read from an .npy file: its shape and its values in C order. */
public final class NpyArray {
  private final int[] shape;
  private final float[] values;

  NpyArray(int[] shape, float[] values) {
    this.shape = shape.clone();
    this.values = values;
  }

  public int[] shape() {
    return shape.clone();
  }

  /** A copy of the values, row-major (the last dimension varies fastest). */
  public float[] values() {
    return values.clone();
  }

  @Override
  public String toString() {
    return "NpyArray" + Arrays.toString(shape);
  }
}
