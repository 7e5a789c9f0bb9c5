package dev.serval.compress.internal;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.serval.compress.NodeDecision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Sets the smallest weights of every MatMul, Gemm and Conv to zero, layer by layer, until the
 * target share is zero. Shapes stay the same, so the dense runtime gets no faster.
 */
final class MagnitudePruning implements Transform {
  private final double sparsity;

  MagnitudePruning(double sparsity) {
    this.sparsity = sparsity;
  }

  @Override
  public List<NodeDecision> apply(GraphEditor graph) {
    List<NodeDecision> decisions = new ArrayList<>();
    Set<String> pruned = new HashSet<>();
    for (NodeProto node : graph.nodes()) {
      if (!DenseLayer.isDense(node) && !Convolution.isConv(node)) {
        continue;
      }
      String name = node.getInput(1);
      Optional<FloatTensor> weight = graph.floatInitializer(name);
      if (weight.isEmpty()) {
        decisions.add(Nodes.kept(node, "its weight is not a constant float initializer"));
      } else if (!pruned.add(name)) {
        decisions.add(Nodes.changed(node, "shares the pruned weight " + name));
      } else {
        decisions.add(Nodes.changed(node, prune(graph, weight.get())));
      }
    }
    return decisions;
  }

  private String prune(GraphEditor graph, FloatTensor weight) {
    float[] values = weight.values().clone();
    float[] magnitudes = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      magnitudes[i] = Math.abs(values[i]);
    }
    Arrays.sort(magnitudes);
    int target = (int) Math.round(sparsity * values.length);
    // Everything strictly below the threshold goes, then ties at it until the target is met.
    float threshold = target == 0 ? -1 : magnitudes[target - 1];
    int zeroed = 0;
    for (int i = 0; i < values.length; i++) {
      if (Math.abs(values[i]) < threshold) {
        values[i] = 0;
        zeroed++;
      }
    }
    for (int i = 0; i < values.length && zeroed < target; i++) {
      if (Math.abs(values[i]) == threshold && values[i] != 0) {
        values[i] = 0;
        zeroed++;
      }
    }
    graph.put(new FloatTensor(weight.name(), weight.dims(), values).encode());
    long zeros = 0;
    for (float value : values) {
      zeros += value == 0 ? 1 : 0;
    }
    return String.format(Locale.ROOT, "%d of %d weights are zero (%.1f%%)", zeros, values.length,
        100.0 * zeros / values.length);
  }
}
