package dev.serval.compress.internal;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Arrays;
import java.util.Optional;

/**
 * A Conv node with a constant weight {@code [M, C/group, k...]} and an optional constant bias of
 * length M.
 */
public record Convolution(
    NodeProto node, String input, String output, FloatTensor weight, Optional<float[]> bias) {

  /** A convolution, or why the node is not one the rewrites can change. */
  public record Match(Convolution conv, String reason) {
    public boolean matched() {
      return conv != null;
    }
  }

  public static boolean isConv(NodeProto node) {
    return node.getDomain().isEmpty() && node.getOpType().equals("Conv");
  }

  public static Match match(GraphEditor graph, NodeProto node) {
    Optional<FloatTensor> weight = graph.floatInitializer(node.getInput(1));
    if (weight.isEmpty() || weight.get().rank() < 3) {
      return new Match(null, "its weight is not a constant float initializer");
    }
    Optional<float[]> bias = Optional.empty();
    if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
      Optional<FloatTensor> b = graph.floatInitializer(node.getInput(2));
      if (b.isEmpty()) {
        return new Match(null, "its bias is not a constant float initializer");
      }
      bias = Optional.of(b.get().values());
    }
    return new Match(new Convolution(node, node.getInput(0), node.getOutput(0), weight.get(),
        bias), null);
  }

  public int outChannels() {
    return weight.dim(0);
  }

  public long group() {
    return Nodes.intAttribute(node, "group", 1);
  }

  /** {@code [M, 1, 1 ...]}: a per-channel vector that broadcasts over the output. */
  public long[] channelDims() {
    long[] dims = new long[weight.rank() - 1];
    Arrays.fill(dims, 1);
    dims[0] = outChannels();
    return dims;
  }
}
