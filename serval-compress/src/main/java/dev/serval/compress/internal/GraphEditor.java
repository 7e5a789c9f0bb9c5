package dev.serval.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model's main graph opened for rewriting: nodes are replaced in place (keeping topological
 * order), initializers are looked up by name, and {@link #build} drops initializers no node uses
 * any more.
 */
public final class GraphEditor {
  private final ModelProto original;
  private final List<NodeProto> nodes;
  private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
  private final Set<String> names = new HashSet<>();
  private final Map<String, Long> addedDomains = new LinkedHashMap<>();

  public GraphEditor(ModelProto model) {
    this.original = model;
    GraphProto graph = model.getGraph();
    this.nodes = new ArrayList<>(graph.getNodeList());
    graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
    names.addAll(initializers.keySet());
    graph.getInputList().forEach(v -> names.add(v.getName()));
    nodes.forEach(n -> {
      names.addAll(n.getOutputList());
      names.add(n.getName());
    });
  }

  /** The nodes in their current order (a copy). */
  public List<NodeProto> nodes() {
    return List.copyOf(nodes);
  }

  /** The opset of the default ONNX domain the model imports. */
  public long opset() {
    return original.getOpsetImportList().stream()
        .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
        .mapToLong(OperatorSetIdProto::getVersion)
        .findFirst()
        .orElse(1);
  }

  /** The initializer's values when it is a float32 initializer. */
  public Optional<FloatTensor> floatInitializer(String name) {
    TensorProto tensor = initializers.get(name);
    return tensor == null ? Optional.empty() : FloatTensor.decode(tensor);
  }

  public boolean isInitializer(String name) {
    return initializers.containsKey(name);
  }

  /** Adds or replaces an initializer. */
  public void put(TensorProto initializer) {
    initializers.put(initializer.getName(), initializer);
    names.add(initializer.getName());
  }

  /** A tensor or node name not used in the graph yet, derived from {@code base}. */
  public String fresh(String base) {
    String name = base;
    for (int i = 1; names.contains(name); i++) {
      name = base + "_" + i;
    }
    names.add(name);
    return name;
  }

  /** Replaces one node by others that compute the same outputs. */
  public void replace(NodeProto node, List<NodeProto> replacement) {
    int index = nodes.indexOf(node);
    if (index < 0) {
      throw new IllegalArgumentException("node '" + node.getName() + "' is not in the graph");
    }
    nodes.remove(index);
    nodes.addAll(index, replacement);
  }

  /** Inserts nodes before {@code node}, e.g. to compute one of its new inputs. */
  public void insertBefore(NodeProto node, List<NodeProto> inserted) {
    nodes.addAll(nodes.indexOf(node), inserted);
  }

  /** The nodes that read {@code tensor}. */
  public List<NodeProto> consumers(String tensor) {
    return nodes.stream().filter(n -> n.getInputList().contains(tensor)).toList();
  }

  /** The node that computes {@code tensor}, if a node does. */
  public Optional<NodeProto> producer(String tensor) {
    return nodes.stream().filter(n -> n.getOutputList().contains(tensor)).findFirst();
  }

  /** The names of the graph's outputs, in order. */
  public List<String> outputNames() {
    return original.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
  }

  public boolean isGraphOutput(String tensor) {
    return original.getGraph().getOutputList().stream()
        .anyMatch(v -> v.getName().equals(tensor));
  }

  /** Makes the model import an operator domain such as {@code com.microsoft}. */
  public void useDomain(String domain, long version) {
    addedDomains.put(domain, version);
  }

  /** The rewritten model, without initializers that nothing reads any more. */
  public ModelProto build() {
    Set<String> used = new HashSet<>();
    nodes.forEach(n -> collectInputs(n, used));
    original.getGraph().getOutputList().forEach(v -> used.add(v.getName()));
    GraphProto.Builder graph = original.getGraph().toBuilder()
        .clearNode()
        .addAllNode(nodes)
        .clearInitializer()
        .addAllInitializer(
            initializers.values().stream().filter(t -> used.contains(t.getName())).toList());
    // Shapes recorded for intermediate tensors may no longer hold after a rewrite.
    graph.clearValueInfo();
    ModelProto.Builder model = original.toBuilder().setGraph(graph);
    addedDomains.forEach((domain, version) -> {
      boolean imported = model.getOpsetImportList().stream()
          .anyMatch(o -> o.getDomain().equals(domain));
      if (!imported) {
        model.addOpsetImport(
            OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version));
      }
    });
    return model.build();
  }

  /** Every graph input and initializer name a node reads, also inside its subgraphs. */
  private static void collectInputs(NodeProto node, Set<String> used) {
    used.addAll(node.getInputList());
    for (AttributeProto attribute : node.getAttributeList()) {
      List<GraphProto> graphs = new ArrayList<>(attribute.getGraphsList());
      if (attribute.hasG()) {
        graphs.add(attribute.getG());
      }
      graphs.forEach(g -> g.getNodeList().forEach(n -> collectInputs(n, used)));
    }
  }

  /** The graph's declared inputs that are not initializers. */
  public List<ValueInfoProto> inputs() {
    return original.getGraph().getInputList().stream()
        .filter(v -> !initializers.containsKey(v.getName()))
        .toList();
  }
}
