package dev.serval.tune.sampler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MatricesTest {
  /** A random symmetric positive definite matrix {@code A A^T + n I}. */
  private static double[] spd(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] a = new double[n * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = random.nextDouble(-1, 1);
    }
    double[] m = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          m[i * n + j] += a[i * n + k] * a[j * n + k];
        }
      }
      m[i * n + i] += n;
    }
    return m;
  }

  private static double[] times(double[] a, double[] b, int n) {
    double[] c = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          c[i * n + j] += a[i * n + k] * b[k * n + j];
        }
      }
    }
    return c;
  }

  @Test
  void inverseFromCholeskyInvertsTheMatrix() {
    int n = 7;
    double[] m = spd(n, 1);
    double[] product = times(m, Matrices.inverseFromCholesky(Matrices.choleskyWithJitter(m, n),
        n), n);

    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertThat(product[i * n + j]).isCloseTo(i == j ? 1 : 0, within(1e-10));
      }
    }
  }

  @Test
  void triangularSolvesRecoverTheRightHandSide() {
    int n = 5;
    double[] m = spd(n, 2);
    double[] l = Matrices.choleskyWithJitter(m, n);
    double[] b = {1, -2, 3, 0.5, 4};
    double[] x = Matrices.solveUpperTransposed(l, n, Matrices.solveLower(l, n, b));

    for (int i = 0; i < n; i++) {
      double row = 0;
      for (int j = 0; j < n; j++) {
        row += m[i * n + j] * x[j];
      }
      assertThat(row).isCloseTo(b[i], within(1e-10));
    }
  }

  @Test
  void jitterRescuesASingularMatrixAndAnIndefiniteOneIsRefused() {
    double[] singular = {1, 1, 1, 1};
    double[] indefinite = {1, 0, 0, -1};

    assertThat(Matrices.choleskyWithJitter(singular, 2)[3]).isPositive();
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> Matrices.choleskyWithJitter(indefinite, 2))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void symmetricEigenReconstructsTheMatrix() {
    int n = 6;
    double[] m = spd(n, 3);
    double[] vectors = new double[n * n];
    double[] values = Matrices.symmetricEigen(m, n, vectors);

    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int k = 0; k < n; k++) {
          sum += vectors[i * n + k] * values[k] * vectors[j * n + k];
        }
        assertThat(sum).isCloseTo(m[i * n + j], within(1e-9));
      }
    }
  }
}
