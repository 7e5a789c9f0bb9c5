package dev.serval.tune.sampler;

/** Normal-distribution helpers for the Parzen estimators and expected improvement. */
final class Gaussian {
  static final double INVERSE_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
  private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
  private static final double SQRT2 = Math.sqrt(2);

  private Gaussian() {}

  /**
   * The complementary error function, from the Chebyshev fit in Numerical Recipes (fractional
   * error below 1.2e-7 everywhere), enough for density ratios.
   */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196
        + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398
        + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }

  /** P(a < Z < b) for a standard normal Z, accurate in both tails. */
  static double mass(double a, double b) {
    if (a > 0) {
      return 0.5 * (erfc(a / SQRT2) - erfc(b / SQRT2));
    }
    return 0.5 * (erfc(-b / SQRT2) - erfc(-a / SQRT2));
  }

  static double logDensity(double z) {
    return -0.5 * z * z - LOG_SQRT_2PI;
  }
}
