package dev.serval.tune.sampler.internal;

/**
 * The Matérn 5/2 kernel with one length scale per input dimension (ARD):
 * {@code k(r) = s2 (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r)} with {@code r^2 = sum (dx_d / l_d)^2}.
 */
final class MaternKernel {
  private static final double SQRT5 = Math.sqrt(5);

  private MaternKernel() {}

  static double value(double signal, double r) {
    return signal * (1 + SQRT5 * r + 5.0 / 3 * r * r) * Math.exp(-SQRT5 * r);
  }

  /**
   * {@code dk / d(log l_d)} divided by {@code (dx_d / l_d)^2}, the same for every dimension:
   * {@code 5/3 s2 (1 + sqrt5 r) exp(-sqrt5 r)}.
   */
  static double lengthScaleFactor(double signal, double r) {
    return 5.0 / 3 * signal * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
  }

  static double distance(double[] a, double[] b, double[] inverseSquaredScales) {
    double r2 = 0;
    for (int d = 0; d < a.length; d++) {
      double diff = a[d] - b[d];
      r2 += diff * diff * inverseSquaredScales[d];
    }
    return Math.sqrt(r2);
  }
}
