package dev.serval.compress.internal;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.serval.compress.CompressionOptions;
import dev.serval.compress.NodeDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;

/**
 * Replaces a dense weight {@code W [K, N]} by {@code A [K, r]} and {@code B [r, N]} from its
 * truncated SVD ({@code A = U·√S}, {@code B = √S·Vᵀ}), as two MatMuls; only the leading
 * singular values are computed ({@link LeadingSvd}). With a rank chosen by energy, a layer is
 * only factorized when the two matrices are smaller than the original; an explicit rank is always
 * applied.
 */
final class LowRank implements Transform {
  /** Leading singular values computed first when the rank is chosen by energy. */
  private static final int FIRST_COUNT = 64;

  private final CompressionOptions options;

  LowRank(CompressionOptions options) {
    this.options = options;
  }

  /**
   * The rank to factorize with and the SVD holding it; a null {@code svd} means the layer is
   * left alone, and {@code text} says why.
   */
  private record Choice(LeadingSvd svd, int rank, double energy, String text) {}

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
    DMatrixRMaj w = new DMatrixRMaj(k, n);
    for (int i = 0; i < k * n; i++) {
      w.data[i] = layer.weight()[i];
    }
    int full = Math.min(k, n);
    Choice choice = options.rank() > 0
        ? explicit(w, Math.min(options.rank(), full)) : byEnergy(w, (k * n - 1) / (k + n));
    if (choice == null) {
      return Nodes.kept(layer.node(), "the SVD of its weight did not converge");
    }
    if (choice.svd() == null) {
      return Nodes.kept(layer.node(), choice.text() + " of " + full
          + "; the factors would not be smaller than the weight");
    }
    int rank = choice.rank();
    String kept = String.format(Locale.ROOT, "rank %d of %d keeps %.1f%% of the energy", rank,
        full, 100 * choice.energy());
    String prefix = graph.fresh(layer.output() + ".low_rank");
    float[] a = new float[k * rank];
    float[] b = new float[rank * n];
    LeadingSvd svd = choice.svd();
    for (int r = 0; r < rank; r++) {
      double root = Math.sqrt(svd.singular()[r]);
      for (int i = 0; i < k; i++) {
        a[i * rank + r] = (float) (svd.u().get(i, r) * root);
      }
      for (int j = 0; j < n; j++) {
        b[r * n + j] = (float) (svd.v().get(j, r) * root);
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

  private Choice explicit(DMatrixRMaj w, int rank) {
    LeadingSvd svd = LeadingSvd.of(w, rank, options.seed());
    return svd == null ? null
        : new Choice(svd, rank, energy(svd, rank, totalEnergy(w, svd)), null);
  }

  /**
   * The smallest rank keeping the share {@code options.energy()} of the squared singular values,
   * asking for more leading ones until that share is reached or the rank would exceed
   * {@code limit}, the largest whose factors are smaller than the weight.
   */
  private Choice byEnergy(DMatrixRMaj w, int limit) {
    int count = Math.min(limit + 1, FIRST_COUNT);
    while (true) {
      LeadingSvd svd = LeadingSvd.of(w, count, options.seed());
      if (svd == null) {
        return null;
      }
      double total = totalEnergy(w, svd);
      for (int rank = 1; rank <= svd.rank(); rank++) {
        double share = energy(svd, rank, total);
        if (share >= options.energy()) {
          return rank <= limit ? new Choice(svd, rank, share, null)
              : new Choice(null, rank, share, String.format(Locale.ROOT,
                  "rank %d keeps %.1f%% of the energy", rank, 100 * share));
        }
      }
      if (count > limit) {
        return new Choice(null, 0, 0, String.format(Locale.ROOT,
            "keeping %.1f%% of the energy needs a rank above %d", 100 * options.energy(), limit));
      }
      count = Math.min(2 * count, limit + 1);
    }
  }

  /** All squared singular values: those of the SVD when it has all, else |W|² (Frobenius). */
  private static double totalEnergy(DMatrixRMaj w, LeadingSvd svd) {
    if (svd.rank() == Math.min(w.numRows, w.numCols)) {
      return squares(svd, svd.rank());
    }
    double sum = 0;
    for (double value : w.data) {
      sum += value * value;
    }
    return sum;
  }

  /** The share of {@code total} the squares of the first {@code rank} singular values hold. */
  private static double energy(LeadingSvd svd, int rank, double total) {
    return total == 0 ? 1 : Math.min(1, squares(svd, rank) / total);
  }

  private static double squares(LeadingSvd svd, int rank) {
    double sum = 0;
    for (int i = 0; i < rank; i++) {
      sum += svd.singular()[i] * svd.singular()[i];
    }
    return sum;
  }
}
