package dev.serval.tune.sampler.internal;

import java.util.Arrays;

/**
 * Hyperparameters of a GP on standardised targets, on log scale: one length scale per input
 * dimension, the signal variance and the noise variance.
 */
public record GpHyperparameters(double[] logLengthScales, double logSignal, double logNoise) {
  public GpHyperparameters {
    logLengthScales = logLengthScales.clone();
  }

  /** The point the fit starts from when nothing better is known. */
  public static GpHyperparameters initial(int dimension) {
    double[] scales = new double[dimension];
    Arrays.fill(scales, Math.log(0.5));
    return new GpHyperparameters(scales, 0, Math.log(1e-4));
  }

  static GpHyperparameters fromVector(double[] theta) {
    int d = theta.length - 2;
    return new GpHyperparameters(Arrays.copyOf(theta, d), theta[d], theta[d + 1]);
  }

  double[] toVector() {
    int d = logLengthScales.length;
    double[] theta = Arrays.copyOf(logLengthScales, d + 2);
    theta[d] = logSignal;
    theta[d + 1] = logNoise;
    return theta;
  }

  double[] inverseSquaredScales() {
    double[] inv = new double[logLengthScales.length];
    for (int d = 0; d < inv.length; d++) {
      inv[d] = Math.exp(-2 * logLengthScales[d]);
    }
    return inv;
  }

  @Override
  public double[] logLengthScales() {
    return logLengthScales.clone();
  }
}
