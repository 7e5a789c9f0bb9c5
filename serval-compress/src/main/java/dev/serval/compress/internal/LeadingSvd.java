package dev.serval.compress.internal;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The leading singular values and vectors of a matrix {@code A [m, n]}, largest first. A dense
 * SVD of a 2048 x 2048 weight takes minutes; when few triplets are wanted they come from the
 * randomized range finder of Halko, Martinsson and Tropp (2011) instead: {@code Y = A·Ω} for a
 * Gaussian {@code Ω [n, l]}, power iterations {@code Y = A·(Aᵀ·Q)} to separate the leading
 * directions from the tail, an orthonormal basis {@code Q} of {@code Y}, and the small SVD of
 * {@code Qᵀ·A}. When nearly all triplets are wanted the dense SVD is exact and not slower.
 *
 * @param u {@code [m, r]}, orthonormal columns
 * @param singular the r singular values, descending
 * @param v {@code [n, r]}, orthonormal columns
 */
record LeadingSvd(DMatrixRMaj u, double[] singular, DMatrixRMaj v) {
  /** Extra random directions beyond those wanted: they make the leading ones accurate. */
  static final int OVERSAMPLING = 10;
  static final int POWER_ITERATIONS = 2;

  /**
   * At least {@code count} leading triplets of {@code a} (all of them when that is about as
   * cheap), or null when the dense SVD did not converge.
   */
  static LeadingSvd of(DMatrixRMaj a, int count, long seed) {
    int full = Math.min(a.numRows, a.numCols);
    int sampled = count + OVERSAMPLING;
    return sampled * 2 > full ? dense(a) : randomized(a, sampled, seed);
  }

  int rank() {
    return singular.length;
  }

  private static LeadingSvd dense(DMatrixRMaj a) {
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(a.numRows, a.numCols, true, true, true);
    if (!svd.decompose(a.copy())) {
      return null;
    }
    return sorted(svd.getU(null, false), svd.getW(null), svd.getV(null, false));
  }

  private static LeadingSvd randomized(DMatrixRMaj a, int sampled, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    DMatrixRMaj omega = new DMatrixRMaj(a.numCols, sampled);
    for (int i = 0; i < omega.data.length; i++) {
      omega.data[i] = random.nextGaussian();
    }
    DMatrixRMaj q = orthonormal(times(a, omega));
    for (int i = 0; i < POWER_ITERATIONS; i++) {
      DMatrixRMaj back = new DMatrixRMaj(a.numCols, sampled);
      CommonOps_DDRM.multTransA(a, q, back);
      q = orthonormal(times(a, orthonormal(back)));
    }
    DMatrixRMaj b = new DMatrixRMaj(sampled, a.numCols);
    CommonOps_DDRM.multTransA(q, a, b);
    LeadingSvd small = dense(b);
    if (small == null) {
      return null;
    }
    return new LeadingSvd(times(q, small.u()), small.singular(), small.v());
  }

  private static DMatrixRMaj times(DMatrixRMaj a, DMatrixRMaj b) {
    DMatrixRMaj product = new DMatrixRMaj(a.numRows, b.numCols);
    CommonOps_DDRM.mult(a, b, product);
    return product;
  }

  /** An orthonormal basis of the columns of {@code y} (the Q of its thin QR). */
  private static DMatrixRMaj orthonormal(DMatrixRMaj y) {
    QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(y.numRows, y.numCols);
    qr.decompose(y);
    return qr.getQ(null, true);
  }

  private static LeadingSvd sorted(DMatrixRMaj u, DMatrixRMaj w, DMatrixRMaj v) {
    SingularOps_DDRM.descendingOrder(u, false, w, v, false);
    double[] singular = new double[Math.min(w.numRows, w.numCols)];
    for (int i = 0; i < singular.length; i++) {
      singular[i] = w.get(i, i);
    }
    return new LeadingSvd(u, singular, v);
  }
}
