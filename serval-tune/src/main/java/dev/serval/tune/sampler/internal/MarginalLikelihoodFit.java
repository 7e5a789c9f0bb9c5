package dev.serval.tune.sampler.internal;

import java.util.Arrays;

import java.util.List;

/**
 * Chooses GP hyperparameters by maximising the log marginal likelihood plus weak log-normal
 * priors (which keep the fit away from degenerate length scales when there are few points),
 * with box-constrained L-BFGS from several starting points.
 */
public final class MarginalLikelihoodFit {
  private static final double LOG_2PI = Math.log(2 * Math.PI);
  private static final double MIN_LOG_SCALE = Math.log(1e-2);
  private static final double MAX_LOG_SCALE = Math.log(20);
  private static final double MIN_LOG_SIGNAL = Math.log(1e-2);
  private static final double MAX_LOG_SIGNAL = Math.log(1e2);
  private static final double MIN_LOG_NOISE = Math.log(1e-6);
  private static final double MAX_LOG_NOISE = Math.log(1);
  private static final double PRIOR_LOG_SCALE = Math.log(0.5);
  private static final double PRIOR_LOG_SCALE_SD = 1.5;
  private static final double PRIOR_LOG_SIGNAL_SD = 2;
  private static final double PRIOR_LOG_NOISE = Math.log(1e-4);
  private static final double PRIOR_LOG_NOISE_SD = 4;
  /**
   * On log scale a gradient this short means that changing any hyperparameter by 10% moves the
   * log posterior by less than 0.002: not worth the factorisations of another step. A warm fit
   * on unchanged or barely changed trials then costs one evaluation instead of a line search
   * that halves its step against the curvature.
   */
  private static final double GRADIENT_TOLERANCE = 0.02;

  private final double[][] x;
  private final double[] y;
  private final int n;
  private final int dims;
  /** Squared coordinate differences per dimension and pair i > j, computed once per fit. */
  private final double[][] squaredDiffs;

  public MarginalLikelihoodFit(double[][] x, double[] y) {
    this.x = x;
    this.y = y;
    this.n = x.length;
    this.dims = x.length == 0 ? 0 : x[0].length;
    this.squaredDiffs = new double[dims][n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        for (int d = 0; d < dims; d++) {
          double diff = x[i][d] - x[j][d];
          squaredDiffs[d][i * n + j] = diff * diff;
        }
      }
    }
  }

  /** The best of the local optima reached from {@code starts}. */
  public GpHyperparameters fit(List<GpHyperparameters> starts, int maxIterations) {
    double[] lower = bounds(MIN_LOG_SCALE, MIN_LOG_SIGNAL, MIN_LOG_NOISE);
    double[] upper = bounds(MAX_LOG_SCALE, MAX_LOG_SIGNAL, MAX_LOG_NOISE);
    BoxLbfgs optimizer = new BoxLbfgs(lower, upper, maxIterations, 1e-6, GRADIENT_TOLERANCE);
    BoxLbfgs.Result best = null;
    for (GpHyperparameters start : starts) {
      BoxLbfgs.Result result = optimizer.minimize(this::negativeLogPosterior, start.toVector());
      if (best == null || result.value() < best.value()) {
        best = result;
      }
    }
    return GpHyperparameters.fromVector(best.point());
  }

  private double[] bounds(double scale, double signal, double noise) {
    double[] b = new double[dims + 2];
    Arrays.fill(b, 0, dims, scale);
    b[dims] = signal;
    b[dims + 1] = noise;
    return b;
  }

  /**
   * Minus the log marginal likelihood and log prior, with its gradient: for each
   * hyperparameter t, {@code d/dt = 1/2 tr((K^-1 - a a^T) dK/dt)} with {@code a = K^-1 y}.
   */
  double negativeLogPosterior(double[] theta, double[] gradient) {
    GpHyperparameters h = GpHyperparameters.fromVector(theta);
    double signal = Math.exp(h.logSignal());
    double noise = Math.exp(h.logNoise());
    double[] inv = h.inverseSquaredScales();
    double[] k = new double[n * n];
    double[] factor = new double[n * n];
    for (int i = 0; i < n; i++) {
      k[i * n + i] = signal + noise;
      for (int j = 0; j < i; j++) {
        double r = MaternKernel.distance(x[i], x[j], inv);
        k[i * n + j] = MaternKernel.value(signal, r);
        k[j * n + i] = k[i * n + j];
        factor[i * n + j] = MaternKernel.lengthScaleFactor(signal, r);
      }
    }
    double[] l;
    try {
      l = Matrices.choleskyWithJitter(k, n);
    } catch (ArithmeticException e) {
      Arrays.fill(gradient, 0);
      return Double.POSITIVE_INFINITY;
    }
    double[] alpha = Matrices.solveUpperTransposed(l, n, Matrices.solveLower(l, n, y));
    double[] kInv = Matrices.inverseFromCholesky(l, n);
    double value = 0.5 * n * LOG_2PI;
    for (int i = 0; i < n; i++) {
      value += 0.5 * y[i] * alpha[i] + Math.log(l[i * n + i]);
    }
    Arrays.fill(gradient, 0);
    double noiseTrace = 0;
    for (int i = 0; i < n; i++) {
      double wii = kInv[i * n + i] - alpha[i] * alpha[i];
      noiseTrace += wii;
      gradient[dims] += 0.5 * wii * signal;
      for (int j = 0; j < i; j++) {
        double wij = kInv[i * n + j] - alpha[i] * alpha[j];
        // Both (i, j) and (j, i) contribute, which cancels the 1/2.
        gradient[dims] += wij * k[i * n + j];
        double wf = wij * factor[i * n + j];
        for (int d = 0; d < dims; d++) {
          gradient[d] += wf * squaredDiffs[d][i * n + j];
        }
      }
    }
    for (int d = 0; d < dims; d++) {
      gradient[d] *= inv[d];
    }
    gradient[dims + 1] = 0.5 * noise * noiseTrace;
    return value + prior(theta, gradient);
  }

  /** Adds the negative log prior's gradient to {@code gradient} and returns its value. */
  private double prior(double[] theta, double[] gradient) {
    double value = 0;
    for (int d = 0; d < dims; d++) {
      value += normalPenalty(theta, gradient, d, PRIOR_LOG_SCALE, PRIOR_LOG_SCALE_SD);
    }
    value += normalPenalty(theta, gradient, dims, 0, PRIOR_LOG_SIGNAL_SD);
    value += normalPenalty(theta, gradient, dims + 1, PRIOR_LOG_NOISE, PRIOR_LOG_NOISE_SD);
    return value;
  }

  private static double normalPenalty(double[] theta, double[] gradient, int i, double mean,
      double sd) {
    double z = (theta[i] - mean) / sd;
    gradient[i] += z / sd;
    return 0.5 * z * z;
  }
}
