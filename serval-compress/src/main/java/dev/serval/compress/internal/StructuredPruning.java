package dev.serval.compress.internal;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.serval.compress.NodeDecision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Removes whole neurons (dense layers) or channels (convolutions) and the matching inputs of the
 * next layer, so both matrices really shrink. A layer is pruned when its output reaches exactly
 * one next layer of the same kind through element-wise activations and per-neuron Add or Mul
 * constants, all read by nothing else. Neurons are ranked by the norm of their incoming weights
 * (and bias) times the norm of their outgoing weights.
 */
final class StructuredPruning implements Transform {
  private static final Set<String> ACTIVATIONS = Set.of("Relu", "LeakyRelu", "Sigmoid", "Tanh",
      "Elu", "Selu", "Softplus", "HardSigmoid", "HardSwish", "Identity");

  private final double sparsity;
  /** Per layer output, what pruning did to the layer; layers shrink on both sides in a chain. */
  private final Map<String, List<String>> changes = new LinkedHashMap<>();

  StructuredPruning(double sparsity) {
    this.sparsity = sparsity;
  }

  /** The next layer and the element-wise nodes between; {@code constants} by node, if any. */
  private record Chain(NodeProto next, Map<NodeProto, String> constants) {}

  @Override
  public List<NodeDecision> apply(GraphEditor graph) {
    List<NodeProto> original = graph.nodes().stream().filter(StructuredPruning::isLayer).toList();
    Map<String, String> reasons = new LinkedHashMap<>();
    for (NodeProto layer : original) {
      String output = layer.getOutput(0);
      NodeProto current = graph.producer(output).orElseThrow();
      String reason = prune(graph, current);
      if (reason != null) {
        reasons.put(output, reason);
      }
    }
    List<NodeDecision> decisions = new ArrayList<>();
    for (NodeProto layer : original) {
      List<String> done = changes.get(layer.getOutput(0));
      decisions.add(done == null ? Nodes.kept(layer, reasons.get(layer.getOutput(0)))
          : Nodes.changed(layer, String.join("; ", done)));
    }
    return decisions;
  }

  private static boolean isLayer(NodeProto node) {
    return DenseLayer.isDense(node) || Convolution.isConv(node);
  }

  /** Prunes the outputs of one layer; null when done, else why not. */
  private String prune(GraphEditor graph, NodeProto node) {
    Optional<Chain> chain = chain(graph, node);
    if (chain.isEmpty()) {
      return "its output does not reach exactly one next MatMul, Gemm or Conv through"
          + " element-wise nodes only";
    }
    NodeProto next = chain.get().next();
    if (DenseLayer.isDense(node) != DenseLayer.isDense(next)) {
      return "the next layer " + next.getOpType() + " is of another kind";
    }
    return DenseLayer.isDense(node)
        ? pruneDense(graph, node, chain.get()) : pruneConv(graph, node, chain.get());
  }

  private String pruneDense(GraphEditor graph, NodeProto node, Chain chain) {
    DenseLayer.Match first = DenseLayer.match(graph, node);
    DenseLayer.Match second = DenseLayer.match(graph, chain.next());
    if (!first.matched() || !second.matched()) {
      return first.matched() ? "the next layer: " + second.reason() : first.reason();
    }
    DenseLayer a = first.layer();
    DenseLayer b = second.layer();
    int[] keep = keep(a.n(), j -> withBias(norm(a.weight(), a.n(), j, a.k()), a.bias(), j)
        * norm(b.weight(), 1, j * b.n(), b.n()));
    float[] wa = new float[a.k() * keep.length];
    float[] biasA = a.bias() == null ? null : new float[keep.length];
    float[] wb = new float[keep.length * b.n()];
    for (int i = 0; i < keep.length; i++) {
      for (int r = 0; r < a.k(); r++) {
        wa[r * keep.length + i] = a.weight()[r * a.n() + keep[i]];
      }
      if (biasA != null) {
        biasA[i] = a.bias()[keep[i]];
      }
      System.arraycopy(b.weight(), keep[i] * b.n(), wb, i * b.n(), b.n());
    }
    if (!sliceBetween(graph, chain, a.n(), keep)) {
      return "a constant between it and the next layer is not one value per neuron";
    }
    String prefixA = graph.fresh(a.output() + ".pruned");
    graph.replace(node, List.of(DenseLayer.write(graph, prefixA, a.input(), wa, a.k(),
        keep.length, biasA, a.output())));
    String prefixB = graph.fresh(b.output() + ".pruned");
    graph.replace(chain.next(), List.of(DenseLayer.write(graph, prefixB, b.input(), wb,
        keep.length, b.n(), b.bias(), b.output())));
    record(a.output(), b.output(), keep.length, a.n(), "neurons");
    return null;
  }

  private String pruneConv(GraphEditor graph, NodeProto node, Chain chain) {
    Convolution.Match first = Convolution.match(graph, node);
    Convolution.Match second = Convolution.match(graph, chain.next());
    if (!first.matched() || !second.matched()) {
      return first.matched() ? "the next layer: " + second.reason() : first.reason();
    }
    Convolution a = first.conv();
    Convolution b = second.conv();
    if (a.group() != 1 || b.group() != 1) {
      return "grouped convolutions are not pruned";
    }
    int channels = a.outChannels();
    int inner = a.weight().values().length / channels;
    int outB = b.outChannels();
    int kernel = b.weight().values().length / (outB * channels);
    int[] keep = keep(channels, c -> withBias(norm(a.weight().values(), 1, c * inner, inner),
        a.bias().orElse(null), c) * convInputNorm(b.weight().values(), outB, channels, kernel, c));
    float[] wa = new float[keep.length * inner];
    float[] wb = new float[outB * keep.length * kernel];
    for (int i = 0; i < keep.length; i++) {
      System.arraycopy(a.weight().values(), keep[i] * inner, wa, i * inner, inner);
      for (int o = 0; o < outB; o++) {
        System.arraycopy(b.weight().values(), (o * channels + keep[i]) * kernel, wb,
            (o * keep.length + i) * kernel, kernel);
      }
    }
    if (!sliceBetween(graph, chain, channels, keep)) {
      return "a constant between it and the next layer is not one value per channel";
    }
    long[] dimsA = a.weight().dims().clone();
    dimsA[0] = keep.length;
    long[] dimsB = b.weight().dims().clone();
    dimsB[1] = keep.length;
    NodeProto prunedA = withWeights(graph, node, new FloatTensor(a.output() + ".pruned.weight",
        dimsA, wa), a.bias().map(bias -> pick(bias, keep)));
    graph.replace(node, List.of(prunedA));
    graph.replace(chain.next(), List.of(withWeights(graph, chain.next(),
        new FloatTensor(b.output() + ".pruned.weight", dimsB, wb), b.bias())));
    record(a.output(), b.output(), keep.length, channels, "channels");
    return null;
  }

  private static NodeProto withWeights(
      GraphEditor graph, NodeProto conv, FloatTensor weight, Optional<float[]> bias) {
    String name = graph.fresh(weight.name());
    graph.put(new FloatTensor(name, weight.dims(), weight.values()).encode());
    NodeProto.Builder node = conv.toBuilder().setInput(1, name);
    bias.ifPresent(b -> {
      String biasName = graph.fresh(conv.getOutput(0) + ".pruned.bias");
      graph.put(new FloatTensor(biasName, new long[] {b.length}, b).encode());
      node.setInput(2, biasName);
    });
    return node.build();
  }

  private void record(String first, String second, int kept, int total, String unit) {
    changes.computeIfAbsent(first, k -> new ArrayList<>())
        .add("kept " + kept + " of " + total + " output " + unit);
    changes.computeIfAbsent(second, k -> new ArrayList<>())
        .add("inputs shrunk to " + kept + " of " + total + " with the layer before");
  }

  /** The path from a layer to the one next layer that reads it, if there is exactly one. */
  private static Optional<Chain> chain(GraphEditor graph, NodeProto layer) {
    Map<NodeProto, String> constants = new LinkedHashMap<>();
    String tensor = layer.getOutput(0);
    while (true) {
      List<NodeProto> consumers = graph.consumers(tensor);
      if (consumers.size() != 1 || graph.isGraphOutput(tensor)) {
        return Optional.empty();
      }
      NodeProto next = consumers.get(0);
      if (isLayer(next) && next.getInput(0).equals(tensor)) {
        return Optional.of(new Chain(next, constants));
      }
      if (!next.getDomain().isEmpty()) {
        return Optional.empty();
      }
      if (!ACTIVATIONS.contains(next.getOpType())) {
        if (!perNeuronConstant(graph, next, tensor)) {
          return Optional.empty();
        }
        constants.put(next, other(next, tensor));
      }
      tensor = next.getOutput(0);
    }
  }

  private static boolean perNeuronConstant(GraphEditor graph, NodeProto node, String tensor) {
    return (node.getOpType().equals("Add") || node.getOpType().equals("Mul"))
        && node.getInputCount() == 2
        && graph.isInitializer(other(node, tensor));
  }

  private static String other(NodeProto node, String tensor) {
    return node.getInput(0).equals(tensor) ? node.getInput(1) : node.getInput(0);
  }

  /** Slices the per-neuron constants between the layers; false if one is not per neuron. */
  private static boolean sliceBetween(GraphEditor graph, Chain chain, int neurons, int[] keep) {
    for (String constant : chain.constants().values()) {
      Optional<FloatTensor> values = graph.floatInitializer(constant);
      if (values.isEmpty() || !perNeuron(values.get().dims(), neurons)) {
        return false;
      }
    }
    chain.constants().forEach((node, constant) -> {
      FloatTensor values = graph.floatInitializer(constant).orElseThrow();
      long[] dims = values.dims().clone();
      for (int d = 0; d < dims.length; d++) {
        dims[d] = dims[d] == neurons ? keep.length : dims[d];
      }
      String name = graph.fresh(constant + ".pruned");
      graph.put(new FloatTensor(name, dims, pick(values.values(), keep)).encode());
      int index = node.getInput(1).equals(constant) ? 1 : 0;
      graph.replace(node, List.of(node.toBuilder().setInput(index, name).build()));
    });
    return true;
  }

  /** One value per neuron: exactly one dimension is {@code neurons}, the others 1. */
  private static boolean perNeuron(long[] dims, int neurons) {
    return Arrays.stream(dims).filter(d -> d == neurons).count() == 1
        && Arrays.stream(dims).allMatch(d -> d == 1 || d == neurons);
  }

  private static float[] pick(float[] values, int[] keep) {
    float[] picked = new float[keep.length];
    for (int i = 0; i < keep.length; i++) {
      picked[i] = values[keep[i]];
    }
    return picked;
  }

  /** The neurons to keep, in their original order: the most important ones. */
  private int[] keep(int neurons, IntToDoubleFunction importance) {
    int kept = Math.max(1, (int) Math.round((1 - sparsity) * neurons));
    return IntStream.range(0, neurons).boxed()
        .sorted(Comparator.comparingDouble(importance::applyAsDouble).reversed())
        .limit(kept)
        .mapToInt(Integer::intValue)
        .sorted()
        .toArray();
  }

  /** The L2 norm of {@code count} values {@code stride} apart from {@code start}. */
  private static double norm(float[] values, int stride, int start, int count) {
    double sum = 0;
    for (int i = 0; i < count; i++) {
      double value = values[start + i * stride];
      sum += value * value;
    }
    return Math.sqrt(sum);
  }

  private static double withBias(double norm, float[] bias, int neuron) {
    return bias == null ? norm : Math.hypot(norm, bias[neuron]);
  }

  private static double convInputNorm(
      float[] weight, int outChannels, int inChannels, int kernel, int channel) {
    double sum = 0;
    for (int o = 0; o < outChannels; o++) {
      double part = norm(weight, 1, (o * inChannels + channel) * kernel, kernel);
      sum += part * part;
    }
    return Math.sqrt(sum);
  }
}
