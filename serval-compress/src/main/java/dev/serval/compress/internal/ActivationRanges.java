package dev.serval.compress.internal;

import dev.serval.compress.CalibrationMethod;
import java.util.Arrays;

/** Chooses an activation's quantization range from the values calibration saw. */
final class ActivationRanges {
  private static final int BINS = 2048;
  private static final int LEVELS = 128;

  private ActivationRanges() {}

  /** {@code [low, high]}, always containing zero so that zero is exact. */
  static float[] range(float[] values, CalibrationMethod method, double percentile) {
    float min = 0;
    float max = 0;
    for (float value : values) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    if (method == CalibrationMethod.MINMAX) {
      return new float[] {min, max};
    }
    float threshold = method == CalibrationMethod.PERCENTILE
        ? percentileOfMagnitude(values, percentile) : entropyThreshold(values, max(min, max));
    return new float[] {Math.max(min, -threshold), Math.min(max, threshold)};
  }

  private static float max(float min, float max) {
    return Math.max(-min, max);
  }

  private static float percentileOfMagnitude(float[] values, double percentile) {
    float[] magnitudes = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      magnitudes[i] = Math.abs(values[i]);
    }
    Arrays.sort(magnitudes);
    int index = (int) Math.ceil(percentile / 100 * magnitudes.length) - 1;
    return magnitudes[Math.max(0, Math.min(magnitudes.length - 1, index))];
  }

  /**
   * The clipping threshold of |x| whose 128-level quantization keeps the histogram closest (least
   * KL divergence) to the unclipped one.
   */
  private static float entropyThreshold(float[] values, float maxAbs) {
    if (maxAbs == 0) {
      return 0;
    }
    double[] histogram = new double[BINS];
    for (float value : values) {
      histogram[Math.min(BINS - 1, (int) (Math.abs(value) / maxAbs * BINS))]++;
    }
    double best = Double.POSITIVE_INFINITY;
    int bestBins = BINS;
    for (int bins = LEVELS; bins <= BINS; bins++) {
      double divergence = divergence(histogram, bins);
      if (divergence < best) {
        best = divergence;
        bestBins = bins;
      }
    }
    return maxAbs * bestBins / BINS;
  }

  /** KL(P || Q) for P = the first {@code bins} bins with the clipped tail folded into the last. */
  private static double divergence(double[] histogram, int bins) {
    double[] p = Arrays.copyOf(histogram, bins);
    for (int i = bins; i < histogram.length; i++) {
      p[bins - 1] += histogram[i];
    }
    double[] q = new double[bins];
    for (int level = 0; level < LEVELS; level++) {
      int start = level * bins / LEVELS;
      int end = (level + 1) * bins / LEVELS;
      double sum = 0;
      int nonZero = 0;
      for (int i = start; i < end; i++) {
        sum += histogram[i];
        nonZero += histogram[i] > 0 ? 1 : 0;
      }
      for (int i = start; i < end; i++) {
        q[i] = histogram[i] > 0 ? sum / nonZero : 0;
      }
    }
    double totalP = Arrays.stream(p).sum();
    double totalQ = Arrays.stream(q).sum();
    double kl = 0;
    for (int i = 0; i < bins; i++) {
      if (p[i] > 0) {
        double pi = p[i] / totalP;
        double qi = q[i] > 0 ? q[i] / totalQ : 1e-12;
        kl += pi * Math.log(pi / qi);
      }
    }
    return kl;
  }
}
