package dev.serval.compress.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.Test;

class LeadingSvdTest {
  @Test
  void randomizedSingularValuesMatchTheDenseOnesOfADecayingSpectrum() {
    DMatrixRMaj a = decaying(400, 300, 3);

    LeadingSvd randomized = LeadingSvd.of(a, 20, 1);
    LeadingSvd dense = LeadingSvd.of(a, 300, 1);

    assertThat(randomized.rank()).isEqualTo(20 + LeadingSvd.OVERSAMPLING);
    assertThat(dense.rank()).isEqualTo(300);
    for (int i = 0; i < 20; i++) {
      assertThat(randomized.singular()[i])
          .isCloseTo(dense.singular()[i], within(1e-3 * dense.singular()[0]));
    }
  }

  @Test
  void aRandomizedRankTwentyApproximationIsNearlyAsGoodAsTheBestOne() {
    DMatrixRMaj a = decaying(400, 300, 5);

    double randomized = residual(a, LeadingSvd.of(a, 20, 2), 20);
    double best = residual(a, LeadingSvd.of(a, 300, 2), 20);

    assertThat(randomized).isLessThan(best * 1.01);
  }

  @Test
  void theDenseFactorsReproduceTheMatrix() {
    DMatrixRMaj a = decaying(50, 40, 7);

    assertThat(residual(a, LeadingSvd.of(a, 40, 1), 40))
        .isLessThan(1e-9 * NormOps_DDRM.normF(a));
  }

  /** |A - U_r S_r V_rᵀ| (Frobenius). */
  private static double residual(DMatrixRMaj a, LeadingSvd svd, int rank) {
    DMatrixRMaj approx = new DMatrixRMaj(a.numRows, a.numCols);
    for (int r = 0; r < rank; r++) {
      for (int i = 0; i < a.numRows; i++) {
        for (int j = 0; j < a.numCols; j++) {
          approx.add(i, j, svd.u().get(i, r) * svd.singular()[r] * svd.v().get(j, r));
        }
      }
    }
    DMatrixRMaj difference = new DMatrixRMaj(a.numRows, a.numCols);
    CommonOps_DDRM.subtract(a, approx, difference);
    return NormOps_DDRM.normF(difference);
  }

  /** A random matrix whose singular values fall off as 0.8^i, like a trained weight's. */
  private static DMatrixRMaj decaying(int m, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    DMatrixRMaj u = orthonormalColumns(m, Math.min(m, n), random);
    DMatrixRMaj v = orthonormalColumns(n, Math.min(m, n), random);
    DMatrixRMaj scaled = u.copy();
    for (int j = 0; j < scaled.numCols; j++) {
      for (int i = 0; i < m; i++) {
        scaled.set(i, j, scaled.get(i, j) * Math.pow(0.8, j));
      }
    }
    DMatrixRMaj a = new DMatrixRMaj(m, n);
    CommonOps_DDRM.multTransB(scaled, v, a);
    return a;
  }

  private static DMatrixRMaj orthonormalColumns(int rows, int cols, SplittableRandom random) {
    DMatrixRMaj gaussian = new DMatrixRMaj(rows, cols);
    for (int i = 0; i < gaussian.data.length; i++) {
      gaussian.data[i] = random.nextGaussian();
    }
    return LeadingSvd.of(gaussian, cols, 0).u();
  }
}
