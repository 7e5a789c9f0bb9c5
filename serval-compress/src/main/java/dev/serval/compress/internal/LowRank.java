package dev.serval.compress.internal;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.serval.compress.CompressionOptions;
import dev.serval.compress.NodeDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Replaces a dense weight {@code W [K, N]} by {@code A [K, r]} and {@code B [r, N]} from its
 * truncated SVD ({@code A = U·√S}, {@code B = √S·Vᵀ}), as two MatMuls. With a rank chosen by
 * energy, a layer is only factorized when the two matrices are smaller than the original; an
 * explicit rank is always applied.
 */
final class LowRank implements Transform {
  private final CompressionOptions options;

  LowRank(CompressionOptions options) {
    this.options = options;
  }

  @Override
  public List<NodeDecision> apply(GraphEditor graph) {
    List<NodeDecision> decisions = new ArrayList<>();
    for (NodeProto node : graph.nodes()) {
      if (DenseLayer.isDense(node)) {
        DenseLayer.Match match = DenseLayer.match(graph, node);
        decisions.add(match.matched()
            ? factorize(graph, match.layer()) : Nodes.kept(node, match.reason()));
      }
    }
    return decisions;
  }

  private NodeDecision factorize(GraphEditor graph, DenseLayer layer) {
    int k = layer.k();
    int n = layer.n();
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(k, n, true, true, true);
    DMatrixRMaj w = new DMatrixRMaj(k, n);
    for (int i = 0; i < k * n; i++) {
      w.data[i] = layer.weight()[i];
    }
    if (!svd.decompose(w)) {
      return Nodes.kept(layer.node(), "the SVD of its weight did not converge");
    }
    DMatrixRMaj u = svd.getU(null, false);
    DMatrixRMaj s = svd.getW(null);
    DMatrixRMaj v = svd.getV(null, false);
    SingularOps_DDRM.descendingOrder(u, false, s, v, false);
    double[] singular = new double[Math.min(k, n)];
    for (int i = 0; i < singular.length; i++) {
      singular[i] = s.get(i, i);
    }
    int rank = rank(singular);
    String kept = String.format(Locale.ROOT, "rank %d of %d keeps %.1f%% of the energy", rank,
        singular.length, 100 * energy(singular, rank));
    if (options.rank() == 0 && (long) rank * (k + n) >= (long) k * n) {
      return Nodes.kept(layer.node(), kept + "; the factors would not be smaller than the weight");
    }
    String prefix = graph.fresh(layer.output() + ".low_rank");
    float[] a = new float[k * rank];
    float[] b = new float[rank * n];
    for (int r = 0; r < rank; r++) {
      double root = Math.sqrt(singular[r]);
      for (int i = 0; i < k; i++) {
        a[i * rank + r] = (float) (u.get(i, r) * root);
      }
      for (int j = 0; j < n; j++) {
        b[r * n + j] = (float) (v.get(j, r) * root);
      }
    }
    List<NodeProto> nodes = List.of(
        DenseLayer.write(graph, prefix + ".a", layer.input(), a, k, rank, null, prefix + ".inner"),
        DenseLayer.write(
            graph, prefix + ".b", prefix + ".inner", b, rank, n, layer.bias(), layer.output()));
    graph.replace(layer.node(), nodes);
    return Nodes.changed(layer.node(), kept + "; weights " + k + "x" + n + " -> " + k + "x"
        + rank + " + " + rank + "x" + n);
  }

  private int rank(double[] singular) {
    if (options.rank() > 0) {
      return Math.min(options.rank(), singular.length);
    }
    int rank = 1;
    while (rank < singular.length && energy(singular, rank) < options.energy()) {
      rank++;
    }
    return rank;
  }

  /** The share of the squared singular values the first {@code rank} hold. */
  private static double energy(double[] singular, int rank) {
    double total = 0;
    double kept = 0;
    for (int i = 0; i < singular.length; i++) {
      double square = singular[i] * singular[i];
      total += square;
      kept += i < rank ? square : 0;
    }
    return total == 0 ? 1 : kept / total;
  }
}
