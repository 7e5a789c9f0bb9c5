package dev.serval.tune.sampler;

/**
 * The logarithm of expected improvement below {@code best} for a Gaussian posterior, stable far
 * into the tail where EI itself underflows: {@code log EI = log s + log h(z)} with
 * {@code z = (best - mean) / s} and {@code h(z) = z Phi(z) + phi(z)}.
 */
final class ExpectedImprovement {
  /** Below this z, h(z) loses its digits to cancellation; the asymptotic series takes over. */
  private static final double TAIL = -8;

  private ExpectedImprovement() {}

  static double log(double mean, double variance, double best) {
    double s = Math.sqrt(variance);
    return Math.log(s) + logH((best - mean) / s);
  }

  static double logH(double z) {
    if (z >= TAIL) {
      double cdf = 0.5 * Gaussian.erfc(-z / Math.sqrt(2));
      return Math.log(z * cdf + Math.exp(Gaussian.logDensity(z)));
    }
    // h(z) = phi(z) / z^2 (1 - 3/z^2 + 15/z^4 - 105/z^6 + 945/z^8 - ...) for z -> -infinity
    double w = 1 / (z * z);
    double series = 1 - w * (3 - w * (15 - w * (105 - w * 945)));
    return Gaussian.logDensity(z) + Math.log(w * series);
  }
}
