package dev.serval.compress.internal;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.serval.compress.CompressionOptions;
import dev.serval.compress.NodeDecision;
import dev.serval.runtime.onnx.OnnxBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The rewrite for each method. */
public final class Transforms {
  /**
   * Excluded nodes are moved into this operator domain while the rewrite runs: every rewrite
   * takes only default-domain nodes, and structured pruning does not reach through them.
   */
  private static final String HIDDEN = "dev.serval.excluded";

  private Transforms() {}

  /**
   * Applies the method of {@code options} to {@code graph}, leaving its excluded nodes alone.
   *
   * @param backend runs the model on int8-static's calibration data
   * @param threads intra-op threads for those runs
   */
  public static List<NodeDecision> apply(
      CompressionOptions options, OnnxBackend backend, int threads, GraphEditor graph) {
    Transform transform = of(options, backend, threads, graph);
    Map<NodeProto, NodeProto> hidden = hide(graph, options.excludedNodes());
    List<NodeDecision> decisions = new ArrayList<>(transform.apply(graph));
    hidden.forEach((original, masked) -> {
      graph.replace(masked, List.of(original));
      if (DenseLayer.isDense(original) || Convolution.isConv(original)) {
        decisions.add(Nodes.kept(original, "excluded from compression"));
      }
    });
    return decisions;
  }

  /** The excluded nodes, each with the copy that stands in for it while the rewrite runs. */
  private static Map<NodeProto, NodeProto> hide(GraphEditor graph, Set<String> excluded) {
    Map<NodeProto, NodeProto> hidden = graph.nodes().stream()
        .filter(node -> excluded.contains(Nodes.label(node)))
        .collect(Collectors.toMap(node -> node, node -> node.toBuilder().setDomain(HIDDEN)
            .build(), (a, b) -> a, LinkedHashMap::new));
    hidden.forEach((original, masked) -> graph.replace(original, List.of(masked)));
    return hidden;
  }

  private static Transform of(
      CompressionOptions options, OnnxBackend backend, int threads, GraphEditor graph) {
    switch (options.method()) {
      case INT8_DYNAMIC:
        return new Int8Dynamic(options);
      case WEIGHT_ONLY:
        return new WeightOnly(options.bits(), options.blockSize(), options.perChannel(),
            options.symmetric());
      case INT8_STATIC:
        return new Int8Static(options, backend, threads, graph.build());
      case LOW_RANK:
        return new LowRank(options);
      case WEIGHT_SHARING:
        return new WeightSharing(options);
      case PRUNE:
        return options.structured()
            ? new StructuredPruning(options.sparsity())
            : new MagnitudePruning(options.sparsity());
      default:
        throw new UnsupportedOperationException(options.method() + " is not implemented yet");
    }
  }
}
