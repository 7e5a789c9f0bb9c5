package dev.serval.train.internal;

import java.util.function.DoubleSupplier;

/** Numeric derivatives for gradient checks. */
final class FiniteDifference {
  static final float STEP = 1e-2f;

  private FiniteDifference() {}

  /** d f / d values[i] by central differences, leaving values[i] as it was. */
  static double central(float[] values, int i, DoubleSupplier f) {
    float original = values[i];
    values[i] = original + STEP;
    double up = f.getAsDouble();
    values[i] = original - STEP;
    double down = f.getAsDouble();
    values[i] = original;
    return (up - down) / (2 * STEP);
  }
}
