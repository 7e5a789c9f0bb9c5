package dev.serval.tune.sampler;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A mixture of Gaussians truncated to the domain, one per observation plus a wide prior, with
 * the bandwidth rule of Bergstra et al. 2011 as Optuna implements it: each kernel is as wide as
 * the larger gap to its neighbours, clipped to [range / min(100, 1 + n), range] ("magic clip").
 */
final class ParzenEstimator {
  private final NumericDomain domain;
  private final double[] logWeights;
  private final double[] weights;
  private final double[] mus;
  private final double[] sigmas;
  private final double[] logMass;

  /** {@code observations} in the model space, oldest first; {@code obsWeights} aligned. */
  ParzenEstimator(NumericDomain domain, double[] observations, double[] obsWeights,
      double priorWeight) {
    this.domain = domain;
    int n = observations.length;
    double range = domain.high() - domain.low();
    mus = Arrays.copyOf(observations, n + 1);
    mus[n] = 0.5 * (domain.low() + domain.high());
    sigmas = bandwidths(mus, domain.low(), domain.high());
    sigmas[n] = range;
    weights = Arrays.copyOf(obsWeights, n + 1);
    weights[n] = priorWeight;
    double total = Arrays.stream(weights).sum();
    logWeights = new double[n + 1];
    logMass = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      weights[i] /= total;
      logWeights[i] = Math.log(weights[i]);
      logMass[i] = Math.log(Gaussian.mass((domain.low() - mus[i]) / sigmas[i],
          (domain.high() - mus[i]) / sigmas[i]));
    }
  }

  private static double[] bandwidths(double[] mus, double low, double high) {
    int m = mus.length;
    Integer[] order = new Integer[m];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(mus[a], mus[b]));
    double[] sorted = new double[m + 2];
    sorted[0] = low;
    sorted[m + 1] = high;
    for (int i = 0; i < m; i++) {
      sorted[i + 1] = mus[order[i]];
    }
    double minSigma = (high - low) / Math.min(100.0, 1.0 + m);
    double[] sigmas = new double[m];
    for (int i = 0; i < m; i++) {
      double left = sorted[i + 1] - sorted[i];
      double right = sorted[i + 2] - sorted[i + 1];
      // The ends look only inward: the domain bounds are not observations.
      if (m >= 2 && i == 0) {
        left = right;
      } else if (m >= 2 && i == m - 1) {
        right = left;
      }
      sigmas[order[i]] = Math.min(high - low, Math.max(minSigma, Math.max(left, right)));
    }
    return sigmas;
  }

  /** A point in the model space (a bin centre when stepped). */
  double sample(RandomGenerator random) {
    int k = pick(random);
    double x;
    do {
      x = mus[k] + sigmas[k] * random.nextGaussian();
    } while (x < domain.low() || x > domain.high());
    return domain.toBinCentre(x);
  }

  private int pick(RandomGenerator random) {
    double u = random.nextDouble();
    for (int i = 0; i < weights.length - 1; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  /** Log density at {@code x}, or log probability of x's bin when stepped. */
  double logPdf(double x) {
    double[] terms = new double[mus.length];
    for (int i = 0; i < mus.length; i++) {
      terms[i] = logWeights[i] + logKernel(i, x) - logMass[i];
    }
    return Gaussian.logSumExp(terms);
  }

  private double logKernel(int i, double x) {
    if (domain.q() == 0) {
      return Gaussian.logDensity((x - mus[i]) / sigmas[i]) - Math.log(sigmas[i]);
    }
    double upper = Math.min(x + domain.q() / 2, domain.high());
    double lower = Math.max(x - domain.q() / 2, domain.low());
    return Math.log(Math.max(Gaussian.mass((lower - mus[i]) / sigmas[i],
        (upper - mus[i]) / sigmas[i]), Double.MIN_NORMAL));
  }
}
