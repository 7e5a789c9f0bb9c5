package dev.serval.tune.sampler.internal;

import java.util.random.RandomGenerator;

/**
 * Deb's real-coded variation operators on [0, 1]: simulated binary crossover (SBX) and
 * polynomial mutation, both in their bounded forms so children never leave the interval. A
 * larger distribution index keeps children closer to their parents.
 */
public final class Variation {
  private Variation() {}

  /** One SBX child of {@code a} and {@code b}, each coordinate crossed with probability 1/2. */
  public static double[] sbx(double[] a, double[] b, double eta, RandomGenerator random) {
    double[] child = a.clone();
    for (int i = 0; i < a.length; i++) {
      if (random.nextDouble() < 0.5 && Math.abs(a[i] - b[i]) > 1e-14) {
        double low = Math.min(a[i], b[i]);
        double high = Math.max(a[i], b[i]);
        boolean lower = random.nextBoolean();
        double spread = lower ? spreadFactor(low, high, low, eta, random)
            : spreadFactor(low, high, 1 - high, eta, random);
        double mid = (low + high) / 2;
        double half = spread * (high - low) / 2;
        child[i] = clamp(lower ? mid - half : mid + half);
      }
    }
    return child;
  }

  private static double spreadFactor(double low, double high, double room, double eta,
      RandomGenerator random) {
    double beta = 1 + 2 * room / (high - low);
    double alpha = 2 - Math.pow(beta, -(eta + 1));
    double u = random.nextDouble();
    return u <= 1 / alpha
        ? Math.pow(u * alpha, 1 / (eta + 1))
        : Math.pow(1 / (2 - u * alpha), 1 / (eta + 1));
  }

  /** Mutates each coordinate of {@code x} in place with probability {@code rate}. */
  public static void polynomialMutation(double[] x, double eta, double rate,
      RandomGenerator random) {
    double power = 1 / (eta + 1);
    for (int i = 0; i < x.length; i++) {
      if (random.nextDouble() >= rate) {
        continue;
      }
      double u = random.nextDouble();
      double delta;
      if (u < 0.5) {
        double base = 2 * u + (1 - 2 * u) * Math.pow(1 - x[i], eta + 1);
        delta = Math.pow(base, power) - 1;
      } else {
        double base = 2 * (1 - u) + 2 * (u - 0.5) * Math.pow(x[i], eta + 1);
        delta = 1 - Math.pow(base, power);
      }
      x[i] = clamp(x[i] + delta);
    }
  }

  private static double clamp(double v) {
    return Math.min(1, Math.max(0, v));
  }
}
