package dev.serval.tune.sampler.internal;

/**
 * A Gaussian-process posterior over points of the unit cube with a Matérn 5/2 ARD kernel, fitted
 * to targets the caller has standardised (zero prior mean, signal variance about one).
 */
public final class GaussianProcess {
  private final double[][] x;
  private final double[] inverseSquaredScales;
  private final double signal;
  private final double[] cholesky;
  private final double[] alpha;
  private final int n;

  private GaussianProcess(double[][] x, GpHyperparameters h, double[] cholesky, double[] alpha) {
    this.x = x;
    this.inverseSquaredScales = h.inverseSquaredScales();
    this.signal = Math.exp(h.logSignal());
    this.cholesky = cholesky;
    this.alpha = alpha;
    this.n = x.length;
  }

  /** The posterior given observations {@code y} at {@code x} under fixed hyperparameters. */
  public static GaussianProcess condition(double[][] x, double[] y, GpHyperparameters h) {
    int n = x.length;
    double[] k = covariance(x, h);
    double[] l = Matrices.choleskyWithJitter(k, n);
    double[] alpha = Matrices.solveUpperTransposed(l, n, Matrices.solveLower(l, n, y));
    return new GaussianProcess(x, h, l, alpha);
  }

  /** The covariance of the noisy observations: the kernel plus noise on the diagonal. */
  static double[] covariance(double[][] x, GpHyperparameters h) {
    int n = x.length;
    double[] inv = h.inverseSquaredScales();
    double signal = Math.exp(h.logSignal());
    double[] k = new double[n * n];
    for (int i = 0; i < n; i++) {
      k[i * n + i] = signal + Math.exp(h.logNoise());
      for (int j = 0; j < i; j++) {
        double kij = MaternKernel.value(signal, MaternKernel.distance(x[i], x[j], inv));
        k[i * n + j] = kij;
        k[j * n + i] = kij;
      }
    }
    return k;
  }

  /** Posterior mean and variance of the noise-free function at {@code point}. */
  public Prediction predict(double[] point) {
    double[] kStar = new double[n];
    double mean = 0;
    for (int i = 0; i < n; i++) {
      kStar[i] = MaternKernel.value(signal,
          MaternKernel.distance(point, x[i], inverseSquaredScales));
      mean += kStar[i] * alpha[i];
    }
    double[] v = Matrices.solveLower(cholesky, n, kStar);
    double explained = 0;
    for (double vi : v) {
      explained += vi * vi;
    }
    return new Prediction(mean, Math.max(signal - explained, 1e-12 * signal));
  }

  /** A posterior marginal. */
  public record Prediction(double mean, double variance) {}
}
