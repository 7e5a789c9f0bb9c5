package dev.serval.tune.sampler.internal;

import java.util.Arrays;

/**
 * The little dense linear algebra the samplers need, on row-major {@code n * n} arrays: the
 * matrices are small (at most a few hundred rows), so plain loops beat a library's overhead.
 */
public final class Matrices {
  private static final double FIRST_JITTER = 1e-10;
  private static final double LAST_JITTER = 1e-2;
  private static final int JACOBI_SWEEPS = 100;

  private Matrices() {}

  /**
   * The lower Cholesky factor of the symmetric matrix {@code a}. When rounding makes {@code a}
   * indefinite, a growing multiple of its mean diagonal is added until it factors.
   *
   * @throws ArithmeticException when even the largest jitter does not help
   */
  public static double[] choleskyWithJitter(double[] a, int n) {
    double[] l = cholesky(a, n, 0);
    double meanDiagonal = 0;
    for (int i = 0; i < n; i++) {
      meanDiagonal += a[i * n + i] / n;
    }
    for (double jitter = FIRST_JITTER; l == null && jitter <= LAST_JITTER; jitter *= 10) {
      l = cholesky(a, n, jitter * Math.max(meanDiagonal, 1e-12));
    }
    if (l == null) {
      throw new ArithmeticException("matrix of size " + n + " is not positive definite");
    }
    return l;
  }

  /** The lower factor of {@code a + jitter I}, or null if that is not positive definite. */
  private static double[] cholesky(double[] a, int n, double jitter) {
    double[] l = new double[n * n];
    for (int j = 0; j < n; j++) {
      double diagonal = a[j * n + j] + jitter - dot(l, j * n, l, j * n, j);
      if (!(diagonal > 0)) {
        return null;
      }
      double ljj = Math.sqrt(diagonal);
      l[j * n + j] = ljj;
      for (int i = j + 1; i < n; i++) {
        l[i * n + j] = (a[i * n + j] - dot(l, i * n, l, j * n, j)) / ljj;
      }
    }
    return l;
  }

  /**
   * Four partial sums: one running sum makes every addition wait for the previous one, and the
   * factorisations of a GP fit spend nearly all their time here (about three times faster).
   */
  private static double dot(double[] a, int aFrom, double[] b, int bFrom, int length) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int k = 0;
    for (; k + 3 < length; k += 4) {
      s0 += a[aFrom + k] * b[bFrom + k];
      s1 += a[aFrom + k + 1] * b[bFrom + k + 1];
      s2 += a[aFrom + k + 2] * b[bFrom + k + 2];
      s3 += a[aFrom + k + 3] * b[bFrom + k + 3];
    }
    for (; k < length; k++) {
      s0 += a[aFrom + k] * b[bFrom + k];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Solves {@code L x = b} for lower-triangular {@code L}. */
  public static double[] solveLower(double[] l, int n, double[] b) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = (b[i] - dot(l, i * n, x, 0, i)) / l[i * n + i];
    }
    return x;
  }

  /** Solves {@code L^T x = b} for lower-triangular {@code L}. */
  public static double[] solveUpperTransposed(double[] l, int n, double[] b) {
    double[] x = b.clone();
    for (int i = n - 1; i >= 0; i--) {
      x[i] /= l[i * n + i];
      double xi = x[i];
      for (int k = 0; k < i; k++) {
        x[k] -= l[i * n + k] * xi;
      }
    }
    return x;
  }

  /** {@code (L L^T)^-1} from the Cholesky factor {@code L}. */
  public static double[] inverseFromCholesky(double[] l, int n) {
    // Row j of u is column j of L^-1, so that every inner loop below walks memory in order.
    double[] u = new double[n * n];
    for (int j = 0; j < n; j++) {
      u[j * n + j] = 1 / l[j * n + j];
      for (int i = j + 1; i < n; i++) {
        u[j * n + i] = -dot(l, i * n + j, u, j * n + j, i - j) / l[i * n + i];
      }
    }
    double[] inverse = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        // (L^-T L^-1)_ij = sum over k >= i of (L^-1)_ki (L^-1)_kj
        double sum = dot(u, i * n + i, u, j * n + i, n - i);
        inverse[i * n + j] = sum;
        inverse[j * n + i] = sum;
      }
    }
    return inverse;
  }

  /**
   * Eigen-decomposition of the symmetric matrix {@code a} by cyclic Jacobi rotations.
   *
   * @return the eigenvalues, with the matching eigenvectors written as columns of {@code vectors}
   */
  public static double[] symmetricEigen(double[] a, int n, double[] vectors) {
    double[] m = a.clone();
    Arrays.fill(vectors, 0);
    for (int i = 0; i < n; i++) {
      vectors[i * n + i] = 1;
    }
    for (int sweep = 0; sweep < JACOBI_SWEEPS && offDiagonal(m, n) > 1e-22 * trace2(m, n);
        sweep++) {
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          rotate(m, vectors, n, p, q);
        }
      }
    }
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = m[i * n + i];
    }
    return values;
  }

  private static void rotate(double[] m, double[] v, int n, int p, int q) {
    double apq = m[p * n + q];
    if (apq == 0) {
      return;
    }
    double theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
    double t = Math.signum(theta == 0 ? 1 : theta)
        / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
    double c = 1 / Math.sqrt(t * t + 1);
    double s = t * c;
    for (int k = 0; k < n; k++) {
      double mkp = m[k * n + p];
      double mkq = m[k * n + q];
      m[k * n + p] = c * mkp - s * mkq;
      m[k * n + q] = s * mkp + c * mkq;
    }
    for (int k = 0; k < n; k++) {
      double mpk = m[p * n + k];
      double mqk = m[q * n + k];
      m[p * n + k] = c * mpk - s * mqk;
      m[q * n + k] = s * mpk + c * mqk;
    }
    for (int k = 0; k < n; k++) {
      double vkp = v[k * n + p];
      double vkq = v[k * n + q];
      v[k * n + p] = c * vkp - s * vkq;
      v[k * n + q] = s * vkp + c * vkq;
    }
  }

  private static double offDiagonal(double[] m, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          sum += m[i * n + j] * m[i * n + j];
        }
      }
    }
    return sum;
  }

  private static double trace2(double[] m, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += m[i * n + i] * m[i * n + i];
    }
    return Math.max(sum, Double.MIN_NORMAL);
  }
}
