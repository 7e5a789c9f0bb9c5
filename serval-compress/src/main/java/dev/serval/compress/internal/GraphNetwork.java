package dev.serval.compress.internal;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.serval.core.InvalidInputException;
import dev.serval.train.Activation;
import dev.serval.train.LayerWeights;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The feed-forward chain of an MLP graph as serval-train layers, and the way back: from the one
 * graph input to the output, each node reading the previous one's result. Gemm, and MatMul with
 * or without a following Add of a constant bias, become trainable linear layers (a bias-free
 * MatMul, like the first factor of low-rank, stays bias-free); Relu and Tanh activations; Mul,
 * Add, Sub and Div by a per-feature constant (the standardization of serval-train's export)
 * fixed scalings; a Softmax at the end is left out, so that the chain gives logits. Any other
 * node is refused, naming it.
 */
public final class GraphNetwork {
  private static final String REFUSED = "fine-tuning cannot map node ";

  private final GraphEditor graph;
  private final boolean keepZeros;
  private final List<LayerWeights> layers = new ArrayList<>();
  /** Where each linear layer's weights live in the graph, by layer index. */
  private final Map<Integer, Source> sources = new LinkedHashMap<>();
  private final Set<NodeProto> mapped = new HashSet<>();
  private String tensor;
  private int width;
  /** The output of the final Softmax, or null. */
  private String softmax;

  /**
   * The node of a linear layer and its bias initializer (the Gemm's C or the Add's constant;
   * null without bias), stored as {@code beta} times the layer's bias.
   */
  private record Source(DenseLayer layer, String bias, float beta) {}

  private GraphNetwork(GraphEditor graph, boolean keepZeros) {
    this.graph = graph;
    this.keepZeros = keepZeros;
  }

  /**
   * Maps {@code graph}'s nodes to layers; with {@code keepZeros} the zero weights of the linear
   * layers stay zero in training (for magnitude-pruned weights).
   *
   * @throws InvalidInputException naming the first node that is not part of such a chain
   */
  public static GraphNetwork of(GraphEditor graph, boolean keepZeros) {
    GraphNetwork network = new GraphNetwork(graph, keepZeros);
    network.walk();
    return network;
  }

  /** The layers, input side first; the last one gives the logits. */
  public List<LayerWeights> layers() {
    return List.copyOf(layers);
  }

  /**
   * Whether the graph's first output is the Softmax of the logits (probabilities) rather than
   * the logits themselves: what a teacher reading that output gives.
   */
  public boolean firstOutputIsProbabilities() {
    return softmax != null && graph.outputNames().get(0).equals(softmax);
  }

  /**
   * Writes the weights of the linear layers of {@code trained} (the same layers as
   * {@link #layers()}, weights changed) into the graph's initializers, under the same names and
   * in the same layout.
   */
  public void write(List<LayerWeights> trained) {
    sources.forEach((index, source) -> {
      LayerWeights.Linear linear = (LayerWeights.Linear) trained.get(index);
      DenseLayer layer = source.layer();
      NodeProto node = layer.node();
      boolean gemm = node.getOpType().equals("Gemm");
      boolean transposed = gemm && Nodes.intAttribute(node, "transB", 0) != 0;
      float alpha = gemm ? Nodes.floatAttribute(node, "alpha", 1f) : 1f;
      float[] w = linear.weight();
      float[] stored = new float[w.length];
      for (int o = 0; o < layer.n(); o++) {
        for (int i = 0; i < layer.k(); i++) {
          stored[transposed ? o * layer.k() + i : i * layer.n() + o] = w[o * layer.k() + i] / alpha;
        }
      }
      replace(node.getInput(1), stored);
      if (source.bias() != null) {
        float[] bias = linear.bias();
        for (int o = 0; o < bias.length; o++) {
          bias[o] /= source.beta();
        }
        replace(source.bias(), bias);
      }
    });
  }

  private void replace(String initializer, float[] values) {
    FloatTensor old = graph.floatInitializer(initializer).orElseThrow();
    graph.put(new FloatTensor(initializer, old.dims(), values).encode());
  }

  private void walk() {
    List<ValueInfoProto> inputs = graph.inputs();
    if (inputs.size() != 1) {
      throw new InvalidInputException("fine-tuning needs a model with one input, not "
          + inputs.size());
    }
    tensor = inputs.get(0).getName();
    width = width(inputs.get(0));
    // an output may be read further, as logits by the Softmax that gives probabilities
    while (!graph.isGraphOutput(tensor) || !graph.consumers(tensor).isEmpty()) {
      map(onlyReader(tensor));
    }
    Optional<NodeProto> left = graph.nodes().stream().filter(n -> !mapped.contains(n))
        .findFirst();
    if (left.isPresent()) {
      throw refused(left.get(), "it is not on the chain from the input to the output");
    }
    if (sources.isEmpty()) {
      throw new InvalidInputException("fine-tuning found no Gemm or MatMul with a constant"
          + " weight to train");
    }
  }

  private NodeProto onlyReader(String value) {
    List<NodeProto> readers = graph.consumers(value);
    if (readers.isEmpty()) {
      throw new InvalidInputException("fine-tuning needs a chain of layers from the input to"
          + " the output, but " + value + " is read by no node and is not the output");
    }
    if (readers.size() > 1) {
      throw refused(readers.get(0), "its input " + value + " is also read by " + readers.stream()
          .skip(1).map(GraphNetwork::describe).toList() + ", not a chain of layers");
    }
    return readers.get(0);
  }

  /** Adds the layer for {@code node}, which reads {@link #tensor}, and moves past it. */
  private void map(NodeProto node) {
    if (!node.getDomain().isEmpty() || node.getOutputCount() != 1) {
      throw refused(node, "only default-domain nodes with one output are mapped");
    }
    switch (node.getOpType()) {
      case "Gemm", "MatMul" -> {
        linear(node);
        return; // it moved past its node and a bias Add itself
      }
      case "Relu", "Tanh" -> layers.add(new LayerWeights.Nonlinear(
          node.getOpType().equals("Relu") ? Activation.RELU : Activation.TANH, known(node)));
      case "Mul", "Add", "Sub", "Div" -> layers.add(scaling(node));
      case "Softmax" -> {
        if (!graph.isGraphOutput(node.getOutput(0)) || !lastAxis(node)) {
          throw refused(node, "a Softmax is mapped only over the classes of the graph output");
        }
        softmax = node.getOutput(0);
      }
      case "Identity" -> { }
      default -> throw refused(node, "not a Gemm, MatMul, Relu, Tanh, Softmax or a per-feature"
          + " Mul, Add, Sub or Div");
    }
    passed(node);
  }

  private void passed(NodeProto node) {
    mapped.add(node);
    tensor = node.getOutput(0);
  }

  private void linear(NodeProto node) {
    DenseLayer.Match match = DenseLayer.match(graph, node);
    if (!match.matched()) {
      throw refused(node, match.reason());
    }
    DenseLayer layer = match.layer();
    if (!layer.input().equals(tensor) || width >= 0 && layer.k() != width) {
      throw refused(node, "it must read the previous layer's " + width + " values as its first"
          + " input, but takes " + layer.k());
    }
    unshared(node);
    float beta = Nodes.floatAttribute(node, "beta", 1f);
    if (Nodes.floatAttribute(node, "alpha", 1f) == 0 || beta == 0) {
      throw refused(node, "alpha or beta is 0");
    }
    float[] bias = layer.bias();
    String biasName = bias == null ? null : node.getInput(2);
    Optional<NodeProto> add = bias == null ? biasAdd(node, layer.n()) : Optional.empty();
    if (add.isPresent()) {
      passed(node);
      node = add.get();
      biasName = other(node, tensor);
      bias = graph.floatInitializer(biasName).orElseThrow().values();
      beta = 1;
    }
    float[] transposed = new float[layer.k() * layer.n()];
    for (int i = 0; i < layer.k(); i++) {
      for (int o = 0; o < layer.n(); o++) {
        transposed[o * layer.k() + i] = layer.weight()[i * layer.n() + o];
      }
    }
    sources.put(layers.size(), new Source(layer, biasName, beta));
    layers.add(new LayerWeights.Linear(Nodes.label(layer.node()), layer.k(), layer.n(),
        transposed, bias, keepZeros));
    width = layer.n();
    passed(node);
  }

  /** The Add of a constant bias of {@code n} values right after a MatMul, if there is one. */
  private Optional<NodeProto> biasAdd(NodeProto matmul, int n) {
    List<NodeProto> readers = graph.consumers(matmul.getOutput(0));
    if (readers.size() != 1 || !readers.get(0).getOpType().equals("Add")
        || graph.isGraphOutput(matmul.getOutput(0))) {
      return Optional.empty();
    }
    NodeProto add = readers.get(0);
    Optional<FloatTensor> bias = graph.floatInitializer(other(add, matmul.getOutput(0)));
    boolean fits = bias.isPresent() && bias.get().values().length == n
        && bias.get().dims()[bias.get().rank() - 1] == n;
    if (fits) {
      unshared(add);
    }
    return fits ? Optional.of(add) : Optional.empty();
  }

  private void unshared(NodeProto node) {
    for (String input : node.getInputList()) {
      if (graph.isInitializer(input) && graph.consumers(input).size() != 1) {
        throw refused(node, "its initializer " + input + " is shared with another node");
      }
    }
  }

  private LayerWeights scaling(NodeProto node) {
    boolean first = node.getInput(0).equals(tensor);
    Optional<FloatTensor> constant = graph.floatInitializer(other(node, tensor));
    int count = constant.map(c -> c.values().length).orElse(0);
    int features = width >= 0 ? width : count;
    if (constant.isEmpty() || !(count == 1 && width >= 0 || count == features
        && constant.get().dims()[constant.get().rank() - 1] == features)) {
      throw refused(node, "its other operand is not a float constant with one value or one per"
          + " feature" + (width >= 0 ? " (" + width + ")" : ""));
    }
    if (node.getOpType().equals("Div") && !first) {
      throw refused(node, "it divides a constant by the features");
    }
    float[] scale = new float[features];
    float[] shift = new float[features];
    float[] values = constant.get().values();
    for (int j = 0; j < features; j++) {
      float c = values[values.length == 1 ? 0 : j];
      switch (node.getOpType()) {
        case "Mul" -> scale[j] = c;
        case "Div" -> scale[j] = 1 / c;
        case "Add" -> {
          scale[j] = 1;
          shift[j] = c;
        }
        default -> { // Sub: x - c, or c - x
          scale[j] = first ? 1 : -1;
          shift[j] = first ? -c : c;
        }
      }
    }
    width = features;
    return new LayerWeights.Scaling(Nodes.label(node), scale, shift);
  }

  private static String other(NodeProto node, String value) {
    return node.getInput(0).equals(value) ? node.getInput(1) : node.getInput(0);
  }

  private int known(NodeProto node) {
    if (width < 0) {
      throw refused(node, "the width of its input is unknown (the model input is not [batch,"
          + " features])");
    }
    return width;
  }

  private static boolean lastAxis(NodeProto node) {
    long axis = Nodes.intAttribute(node, "axis", -1);
    return axis == -1 || axis == 1;
  }

  /** Features per row of a {@code [batch, features]} input; -1 for other shapes. */
  private static int width(ValueInfoProto input) {
    List<TensorShapeProto.Dimension> dims =
        input.getType().getTensorType().getShape().getDimList();
    // for other shapes the first layer tells the width, or the first node is refused for its kind
    return dims.size() == 2 && dims.get(1).hasDimValue()
        ? Math.toIntExact(dims.get(1).getDimValue()) : -1;
  }

  private static InvalidInputException refused(NodeProto node, String why) {
    return new InvalidInputException(REFUSED + describe(node) + ": " + why);
  }

  private static String describe(NodeProto node) {
    return Nodes.label(node) + " (" + node.getOpType() + ")";
  }
}
