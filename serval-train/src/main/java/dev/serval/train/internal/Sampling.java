package dev.serval.train.internal;

import java.util.SplittableRandom;

/** Random draws for training: permutations, normal, gamma and beta variates. */
public final class Sampling {
  private Sampling() {}

  /** A uniformly random permutation of {@code 0..n-1}. */
  public static int[] permutation(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    shuffle(order, random);
    return order;
  }

  /** Shuffles {@code values} in place (Fisher-Yates). */
  public static void shuffle(int[] values, SplittableRandom random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
  }

  /** {@code count} values uniform in [-limit, limit]: initial weights. */
  public static float[] uniform(int count, double limit, SplittableRandom random) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) random.nextDouble(-limit, limit);
    }
    return values;
  }

  /** A standard normal variate (Box-Muller; one of the pair is dropped to stay stateless). */
  public static double normal(SplittableRandom random) {
    double u = 1 - random.nextDouble(); // in (0, 1], so the log is finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** A Beta(a, a) variate, the mixing weight of mixup. */
  public static double symmetricBeta(double a, SplittableRandom random) {
    double x = gamma(a, random);
    double y = gamma(a, random);
    return x / (x + y);
  }

  /** A Gamma(shape, 1) variate (Marsaglia and Tsang; shapes below 1 boosted by U^(1/shape)). */
  static double gamma(double shape, SplittableRandom random) {
    if (shape < 1) {
      return gamma(shape + 1, random) * Math.pow(1 - random.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = normal(random);
      double v = Math.pow(1 + c * z, 3);
      if (v > 0 && Math.log(1 - random.nextDouble()) < z * z / 2 + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }
}
