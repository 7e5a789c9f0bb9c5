package dev.serval.tune.sampler.internal;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The state of a (mu/mu_w, lambda)-CMA-ES with the default strategy parameters of Hansen's
 * tutorial ("The CMA Evolution Strategy", 2016): positive recombination weights, cumulative
 * step-size adaptation, rank-one and rank-mu covariance updates. Mutable: a sampler rebuilds it
 * by replaying the completed generations, so it never outlives one ask.
 */
public final class CmaState {
  private final int n;
  private final int lambda;
  private final double[] weights;
  private final double muEff;
  private final double cSigma;
  private final double dSigma;
  private final double cC;
  private final double c1;
  private final double cMu;
  private final double chiN;

  private final double[] mean;
  private double sigma;
  private final double[] pathSigma;
  private final double[] pathC;
  private final double[] covariance;
  /** C = B diag(D^2) B^T, refreshed after every update. */
  private final double[] eigenvectors;
  private final double[] eigenRoots;
  private int generation;

  public CmaState(double[] mean, double sigma, int lambda) {
    this.n = mean.length;
    this.lambda = lambda;
    int mu = lambda / 2;
    this.weights = new double[mu];
    double sum = 0;
    for (int i = 0; i < mu; i++) {
      weights[i] = Math.log((lambda + 1) / 2.0) - Math.log(i + 1);
      sum += weights[i];
    }
    double squares = 0;
    for (int i = 0; i < mu; i++) {
      weights[i] /= sum;
      squares += weights[i] * weights[i];
    }
    this.muEff = 1 / squares;
    this.cSigma = (muEff + 2) / (n + muEff + 5);
    this.dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
    this.cC = (4 + muEff / n) / (n + 4 + 2 * muEff / n);
    this.c1 = 2 / ((n + 1.3) * (n + 1.3) + muEff);
    this.cMu = Math.min(1 - c1, 2 * (muEff - 2 + 1 / muEff) / ((n + 2) * (n + 2) + muEff));
    this.chiN = Math.sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
    this.mean = mean.clone();
    this.sigma = sigma;
    this.pathSigma = new double[n];
    this.pathC = new double[n];
    this.covariance = new double[n * n];
    this.eigenvectors = new double[n * n];
    this.eigenRoots = new double[n];
    for (int i = 0; i < n; i++) {
      covariance[i * n + i] = 1;
      eigenvectors[i * n + i] = 1;
      eigenRoots[i] = 1;
    }
  }

  /** The default population size, {@code 4 + floor(3 ln n)}. */
  public static int defaultPopulation(int dimension) {
    return 4 + (int) Math.floor(3 * Math.log(dimension));
  }

  public int lambda() {
    return lambda;
  }

  public int generation() {
    return generation;
  }

  public double sigma() {
    return sigma;
  }

  /** A draw from {@code N(m, sigma^2 C)}. */
  public double[] sample(RandomGenerator random) {
    double[] scaled = new double[n];
    for (int i = 0; i < n; i++) {
      scaled[i] = eigenRoots[i] * random.nextGaussian();
    }
    double[] x = mean.clone();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        x[i] += sigma * eigenvectors[i * n + j] * scaled[j];
      }
    }
    return x;
  }

  /**
   * One generation: {@code best} holds the mu best solutions, best first (more are ignored).
   * Solutions may have been repaired into bounds, so each step is clipped as for injected
   * solutions (Hansen 2011) to keep a repaired outlier from skewing C.
   */
  public void update(List<double[]> best) {
    int mu = Math.min(weights.length, best.size());
    double clip = Math.sqrt(n) + 2.0 * n / (n + 2);
    double[][] steps = new double[mu][];
    double[] meanStep = new double[n];
    for (int k = 0; k < mu; k++) {
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = (best.get(k)[i] - mean[i]) / sigma;
      }
      double norm = norm(inverseSqrtTimes(y));
      double factor = norm > clip ? clip / norm : 1;
      for (int i = 0; i < n; i++) {
        y[i] *= factor;
        meanStep[i] += weights[k] * y[i];
      }
      steps[k] = y;
    }
    for (int i = 0; i < n; i++) {
      mean[i] += sigma * meanStep[i];
    }
    double[] whitened = inverseSqrtTimes(meanStep);
    double sigmaRate = Math.sqrt(cSigma * (2 - cSigma) * muEff);
    for (int i = 0; i < n; i++) {
      pathSigma[i] = (1 - cSigma) * pathSigma[i] + sigmaRate * whitened[i];
    }
    double pathNorm = norm(pathSigma);
    boolean stalled = pathNorm / Math.sqrt(1 - Math.pow(1 - cSigma, 2.0 * (generation + 1)))
        >= (1.4 + 2.0 / (n + 1)) * chiN;
    double cRate = Math.sqrt(cC * (2 - cC) * muEff);
    for (int i = 0; i < n; i++) {
      pathC[i] = (1 - cC) * pathC[i] + (stalled ? 0 : cRate * meanStep[i]);
    }
    updateCovariance(steps, stalled ? cC * (2 - cC) : 0);
    sigma *= Math.exp(cSigma / dSigma * (pathNorm / chiN - 1));
    generation++;
    decompose();
  }

  private void updateCovariance(double[][] steps, double lostRankOne) {
    double keep = 1 + c1 * lostRankOne - c1 - cMu;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double rankMu = 0;
        for (int k = 0; k < steps.length; k++) {
          rankMu += weights[k] * steps[k][i] * steps[k][j];
        }
        covariance[i * n + j] = keep * covariance[i * n + j] + c1 * pathC[i] * pathC[j]
            + cMu * rankMu;
      }
    }
  }

  private void decompose() {
    double[] values = Matrices.symmetricEigen(covariance, n, eigenvectors);
    for (int i = 0; i < n; i++) {
      eigenRoots[i] = Math.sqrt(Math.max(values[i], 1e-20));
    }
  }

  /** {@code C^-1/2 y = B D^-1 B^T y}. */
  private double[] inverseSqrtTimes(double[] y) {
    double[] projected = new double[n];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        projected[j] += eigenvectors[i * n + j] * y[i];
      }
      projected[j] /= eigenRoots[j];
    }
    double[] result = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        result[i] += eigenvectors[i * n + j] * projected[j];
      }
    }
    return result;
  }

  private static double norm(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x * x;
    }
    return Math.sqrt(sum);
  }
}
