package dev.serval.compress.internal;

import dev.serval.runtime.onnx.GraphProtos;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Optional;

/**
 * A MatMul or Gemm node whose weight is a constant: {@code output = input · W + bias}, with
 * {@code W} as a {@code [K, N]} matrix (Gemm's {@code transB} and {@code alpha} already applied)
 * and {@code bias} of length N or null.
 */
public record DenseLayer(
    NodeProto node, String input, String output, int k, int n, float[] weight, float[] bias) {

  /** A layer, or why the node is not one the rewrites can change. */
  public record Match(DenseLayer layer, String reason) {
    static Match of(DenseLayer layer) {
      return new Match(layer, null);
    }

    static Match no(String reason) {
      return new Match(null, reason);
    }

    public boolean matched() {
      return layer != null;
    }
  }

  public static boolean isDense(NodeProto node) {
    return node.getDomain().isEmpty()
        && (node.getOpType().equals("MatMul") || node.getOpType().equals("Gemm"));
  }

  /** Recognises a MatMul or Gemm node with a constant 2-D float weight. */
  public static Match match(GraphEditor graph, NodeProto node) {
    if (!isDense(node)) {
      return Match.no("not a MatMul or Gemm");
    }
    if (!graph.isInitializer(node.getInput(1))) {
      return Match.no("both operands are computed at run time");
    }
    Optional<FloatTensor> weight = graph.floatInitializer(node.getInput(1));
    if (weight.isEmpty() || weight.get().rank() != 2) {
      return Match.no("its weight is not a constant 2-D float initializer");
    }
    return node.getOpType().equals("MatMul")
        ? Match.of(new DenseLayer(node, node.getInput(0), node.getOutput(0),
            weight.get().dim(0), weight.get().dim(1), weight.get().values(), null))
        : gemm(graph, node, weight.get());
  }

  private static Match gemm(GraphEditor graph, NodeProto node, FloatTensor weight) {
    if (Nodes.intAttribute(node, "transA", 0) != 0) {
      return Match.no("Gemm with transA=1 is not supported");
    }
    boolean transposed = Nodes.intAttribute(node, "transB", 0) != 0;
    int k = weight.dim(transposed ? 1 : 0);
    int n = weight.dim(transposed ? 0 : 1);
    float alpha = Nodes.floatAttribute(node, "alpha", 1f);
    float[] w = new float[k * n];
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < n; c++) {
        w[r * n + c] = alpha * weight.values()[transposed ? c * k + r : r * n + c];
      }
    }
    float[] bias = null;
    if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
      Optional<FloatTensor> c = graph.floatInitializer(node.getInput(2));
      if (c.isEmpty() || c.get().values().length != n || c.get().dims()[c.get().rank() - 1] != n) {
        return Match.no("its bias C is not a constant float vector of length " + n);
      }
      float beta = Nodes.floatAttribute(node, "beta", 1f);
      bias = c.get().values().clone();
      for (int i = 0; i < n; i++) {
        bias[i] *= beta;
      }
    }
    return Match.of(new DenseLayer(node, node.getInput(0), node.getOutput(0), k, n, w, bias));
  }

  /**
   * A node computing {@code output = input · W (+ bias)}, storing {@code W [k, n]} and the bias
   * under {@code prefix}: a MatMul without bias, else a Gemm (only Gemm layers have a bias, so
   * the input is a matrix).
   */
  public static NodeProto write(GraphEditor graph, String prefix, String input,
      float[] weight, int k, int n, float[] bias, String output) {
    graph.put(GraphProtos.floatTensor(prefix + ".weight", weight, k, n));
    if (bias == null) {
      return Nodes.onnx("MatMul", List.of(input, prefix + ".weight"), output);
    }
    graph.put(GraphProtos.floatTensor(prefix + ".bias", bias, n));
    return Nodes.onnx("Gemm", List.of(input, prefix + ".weight", prefix + ".bias"), output);
  }
}
