package dev.serval.tune.sampler;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.Param;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * TPE's Parzen estimator over one or more parameters, built as Optuna 3.1 builds it: one kernel
 * per observation plus a prior kernel (centred, as wide as the range, weight {@code priorWeight}),
 * weighted by the observations' weights. A numeric parameter is modelled on its own scale (log
 * for log parameters; stepped and integer ranges widened by half a step so each grid point owns
 * one bin). Kernel widths:
 * <ul>
 *   <li>univariate: the larger gap to the neighbouring centres (the prior among them; the two
 *       outermost look only inward), clipped to [range / min(100, 1 + kernels), range];
 *   <li>multivariate: Scott's rule {@code 0.2 n^(-1/(d + 4))} times the range, same clip.
 * </ul>
 * A categorical parameter's kernel puts weight 1 on the observed choice plus
 * {@code priorWeight / (n + 1)} on every choice; the prior kernel is uniform. A kernel gives a
 * point the product of its per-parameter terms; a stepped one the probability of the point's bin.
 *
 * <p>A continuous term is the truncated normal density <em>times sigma</em> (peak height
 * independent of width), as in Optuna 3.1, whose log density omits {@code -log sigma}: measured
 * on issue 6's four functions, comparing candidates this way finds better values than with
 * normalised densities (docs/tuning.md).
 */
final class ParzenEstimator {
  /** Squared distance in kernel widths beyond which a kernel's term is taken as 0. */
  private static final double FAR = 81;

  private final List<Param> params;
  private final List<NumericDomain> domains;
  private final double[] weights;
  private final double[][] mus;
  private final double[][] sigmas;
  /** 1 / P(domain) of each numeric kernel, so that truncation keeps its mass. */
  private final double[][] inverseMass;
  private final double[][][] choiceProbabilities;
  private final Map<Bin, double[]> binMasses = new HashMap<>();

  /**
   * @param observations per observation, one model-space value per parameter (a choice index
   *     for a categorical one)
   * @param obsWeights weight of each observation, aligned
   */
  ParzenEstimator(List<Param> params, double[][] observations, double[] obsWeights,
      double priorWeight, boolean multivariate) {
    this.params = List.copyOf(params);
    this.domains = params.stream()
        .map(p -> p instanceof CategoricalParam ? null : NumericDomain.of(p))
        .toList();
    int n = observations.length;
    int d = params.size();
    weights = Arrays.copyOf(obsWeights, n + 1);
    weights[n] = priorWeight;
    double total = Arrays.stream(weights).sum();
    for (int i = 0; i <= n; i++) {
      weights[i] /= total;
    }
    mus = new double[d][];
    sigmas = new double[d][];
    inverseMass = new double[d][];
    choiceProbabilities = new double[d][][];
    double scott = 0.2 * Math.pow(Math.max(n, 1), -1.0 / (d + 4));
    for (int p = 0; p < d; p++) {
      double[] column = new double[n];
      for (int i = 0; i < n; i++) {
        column[i] = observations[i][p];
      }
      if (domains.get(p) == null) {
        choiceProbabilities[p] = choiceKernels((CategoricalParam) params.get(p), column,
            priorWeight);
      } else {
        numericKernels(p, column, multivariate ? scott : Double.NaN);
      }
    }
  }

  private static double[][] choiceKernels(CategoricalParam param, double[] observed,
      double priorWeight) {
    int k = param.choices().size();
    int n = observed.length;
    double[][] kernels = new double[n + 1][k];
    double smoothing = priorWeight / (n + 1);
    for (int i = 0; i < n; i++) {
      Arrays.fill(kernels[i], smoothing / (1 + k * smoothing));
      kernels[i][(int) observed[i]] = (1 + smoothing) / (1 + k * smoothing);
    }
    Arrays.fill(kernels[n], 1.0 / k);
    return kernels;
  }

  /** Centres, widths and truncation masses; {@code scott} is NaN for univariate widths. */
  private void numericKernels(int p, double[] observed, double scott) {
    NumericDomain domain = domains.get(p);
    double low = domain.low();
    double high = domain.high();
    double range = high - low;
    int m = observed.length + 1;
    double[] mu = Arrays.copyOf(observed, m);
    mu[m - 1] = 0.5 * (low + high);
    double[] sigma = Double.isNaN(scott) ? gapWidths(mu, low, high) : filled(m, scott * range);
    double minSigma = range / Math.min(100.0, 1.0 + m);
    double[] inverse = new double[m];
    for (int i = 0; i < m; i++) {
      sigma[i] = i == m - 1 ? range : Math.min(range, Math.max(minSigma, sigma[i]));
      inverse[i] = 1 / Gaussian.mass((low - mu[i]) / sigma[i], (high - mu[i]) / sigma[i]);
    }
    mus[p] = mu;
    sigmas[p] = sigma;
    inverseMass[p] = inverse;
  }

  private static double[] filled(int m, double value) {
    double[] a = new double[m];
    Arrays.fill(a, value);
    return a;
  }

  /** Each centre's larger gap to its neighbours (the bounds count as neighbours). */
  private static double[] gapWidths(double[] mu, double low, double high) {
    int m = mu.length;
    Integer[] order = new Integer[m];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(mu[a], mu[b]));
    double[] sorted = new double[m + 2];
    sorted[0] = low;
    sorted[m + 1] = high;
    for (int i = 0; i < m; i++) {
      sorted[i + 1] = mu[order[i]];
    }
    double[] sigma = new double[m];
    for (int i = 0; i < m; i++) {
      double left = sorted[i + 1] - sorted[i];
      double right = sorted[i + 2] - sorted[i + 1];
      // The outermost centres look only inward: the bounds are not observations.
      if (m >= 2 && i == 0) {
        left = right;
      } else if (m >= 2 && i == m - 1) {
        right = left;
      }
      sigma[order[i]] = Math.max(left, right);
    }
    return sigma;
  }

  /** A point drawn from one kernel, on the grid the parameters allow. */
  double[] sample(RandomGenerator random) {
    int k = pick(weights, random);
    double[] x = new double[params.size()];
    for (int p = 0; p < x.length; p++) {
      NumericDomain domain = domains.get(p);
      if (domain == null) {
        x[p] = pick(choiceProbabilities[p][k], random);
      } else {
        double v;
        do {
          v = mus[p][k] + sigmas[p][k] * random.nextGaussian();
        } while (v < domain.low() || v > domain.high());
        x[p] = domain.toModel(domain.toValue(v));
      }
    }
    return x;
  }

  private static int pick(double[] probabilities, RandomGenerator random) {
    double u = random.nextDouble();
    for (int i = 0; i < probabilities.length - 1; i++) {
      u -= probabilities[i];
      if (u < 0) {
        return i;
      }
    }
    return probabilities.length - 1;
  }

  /** The log of the mixture at {@code x} (a point {@link #sample} could return). */
  double logPdf(double[] x) {
    double[] terms = weights.clone();
    for (int p = 0; p < x.length; p++) {
      double[] factors = factors(p, x[p]);
      for (int k = 0; k < terms.length; k++) {
        terms[k] *= factors[k];
      }
    }
    double sum = 0;
    for (double t : terms) {
      sum += t;
    }
    return Math.log(sum);
  }

  /** Every kernel's term for parameter {@code p} at {@code x}. */
  private double[] factors(int p, double x) {
    NumericDomain domain = domains.get(p);
    if (domain == null) {
      double[] factors = new double[weights.length];
      for (int k = 0; k < factors.length; k++) {
        factors[k] = choiceProbabilities[p][k][(int) x];
      }
      return factors;
    }
    if (domain.q() == 0) {
      return densities(p, x);
    }
    // Candidates share few bins, and a bin's masses cost two erfc per kernel: keep them.
    return binMasses.computeIfAbsent(new Bin(p, x), bin -> masses(p, domain, x));
  }

  private double[] densities(int p, double x) {
    double[] mu = mus[p];
    double[] sigma = sigmas[p];
    double[] inverse = inverseMass[p];
    double[] factors = new double[mu.length];
    for (int k = 0; k < factors.length; k++) {
      double z = (x - mu[k]) / sigma[k];
      // Beyond 9 sigma a kernel adds under 1e-17 of its peak: skip the exp.
      factors[k] = z * z > FAR ? 0 : Math.exp(-0.5 * z * z) * Gaussian.INVERSE_SQRT_2PI
          * inverse[k];
    }
    return factors;
  }

  private double[] masses(int p, NumericDomain domain, double x) {
    double upper = Math.min(x + domain.q() / 2, domain.high());
    double lower = Math.max(x - domain.q() / 2, domain.low());
    double[] mu = mus[p];
    double[] sigma = sigmas[p];
    double[] factors = new double[mu.length];
    for (int k = 0; k < factors.length; k++) {
      double a = (lower - mu[k]) / sigma[k];
      double b = (upper - mu[k]) / sigma[k];
      boolean far = a > 0 ? a * a > FAR : b < 0 && b * b > FAR;
      factors[k] = far ? 0 : Gaussian.mass(a, b) * inverseMass[p][k];
    }
    return factors;
  }

  /** A grid point of parameter {@code p}. */
  private record Bin(int p, double x) {}
}
