package dev.serval.compress.internal;

import dev.serval.runtime.onnx.GraphProtos;
import static dev.serval.compress.internal.Nodes.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.serval.compress.CompressionOptions;
import dev.serval.compress.NodeDecision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Clusters the weights of MatMul, Gemm and Conv nodes into a codebook of 2^k floats and stores one
 * uint8 index per weight; the graph rebuilds each weight with Cast + Gather, which ONNX Runtime
 * folds into a constant when it loads the model. Indices take one byte even for k below 8.
 */
final class WeightSharing implements Transform {
  private final CompressionOptions options;
  /** Original weight name to its reconstructed tensor, for weights several nodes share. */
  private final Map<String, String> shared = new HashMap<>();

  WeightSharing(CompressionOptions options) {
    this.options = options;
  }

  @Override
  public List<NodeDecision> apply(GraphEditor graph) {
    List<NodeDecision> decisions = new ArrayList<>();
    for (NodeProto node : graph.nodes()) {
      if (DenseLayer.isDense(node) || Convolution.isConv(node)) {
        decisions.add(share(graph, node));
      }
    }
    return decisions;
  }

  private NodeDecision share(GraphEditor graph, NodeProto node) {
    String name = node.getInput(1);
    Optional<FloatTensor> weight = graph.floatInitializer(name);
    int clusters = 1 << options.clusterBits();
    if (weight.isEmpty()) {
      return Nodes.kept(node, "its weight is not a constant float initializer");
    }
    if (weight.get().values().length <= clusters) {
      return Nodes.kept(node, "its " + weight.get().values().length
          + " weights are no more than the " + clusters + " codebook entries");
    }
    String detail = "";
    if (!shared.containsKey(name)) {
      detail = cluster(graph, node, weight.get(), clusters);
    }
    graph.replace(node, List.of(node.toBuilder().setInput(1, shared.get(name)).build()));
    return Nodes.changed(node, detail.isEmpty() ? "shares the codebook of " + name : detail);
  }

  private String cluster(GraphEditor graph, NodeProto node, FloatTensor weight, int clusters) {
    String prefix = graph.fresh(weight.name() + ".shared");
    float[] codebook = KMeans1d.centroids(weight.values(), clusters, options.seed());
    byte[] indices = KMeans1d.assign(weight.values(), codebook);
    graph.put(GraphProtos.floatTensor(prefix + ".codebook", codebook, codebook.length));
    graph.put(Tensors.bytes(prefix + ".indices", TensorProto.DataType.UINT8, indices,
        weight.dims()));
    graph.insertBefore(node, List.of(
        onnx("Cast", List.of(prefix + ".indices"), prefix + ".indices_int32",
            GraphProtos.intAttribute("to", TensorProto.DataType.INT32.getNumber())),
        onnx("Gather", List.of(prefix + ".codebook", prefix + ".indices_int32"), prefix)));
    shared.put(weight.name(), prefix);
    double error = 0;
    for (int i = 0; i < indices.length; i++) {
      error = Math.max(error, Math.abs(weight.values()[i] - codebook[indices[i] & 0xff]));
    }
    return String.format(Locale.ROOT,
        "%d weights -> codebook of %d values, max |error| %.3g", indices.length,
        codebook.length, error);
  }
}
