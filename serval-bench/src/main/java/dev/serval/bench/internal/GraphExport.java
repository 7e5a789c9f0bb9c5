package dev.serval.bench.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.serval.runtime.onnx.GraphProtos;
import dev.serval.train.data.NpyWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an ONNX model's graph for a peer framework to rebuild: {@code graph.json} (input,
 * output, and each node's operator, inputs, outputs and numeric attributes, in graph order) and
 * every float32 initializer as {@code <index>.npy}, named in {@code graph.json}. The peer decides
 * which operators it understands; nothing here interprets them.
 */
public final class GraphExport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A node as the peer reads it. */
  public record Node(String op, List<String> inputs, List<String> outputs,
      Map<String, Object> attributes) {}

  /** The graph as the peer reads it; {@code initializers} maps a name to its .npy file. */
  public record Graph(String input, String output, List<Node> nodes,
      Map<String, String> initializers) {}

  private GraphExport() {}

  /**
   * Writes the graph of {@code model} into {@code dir}, with {@code output} as the result the
   * peer computes.
   *
   * @throws IllegalArgumentException when the model has an initializer that is not float32
   */
  public static Graph write(Path model, String output, Path dir) {
    GraphProto graph = read(model).getGraph();
    Map<String, String> files = new LinkedHashMap<>();
    for (TensorProto tensor : graph.getInitializerList()) {
      String file = files.size() + ".npy";
      int[] dims = tensor.getDimsList().stream().mapToInt(Math::toIntExact).toArray();
      NpyWriter.writeFloats(dir.resolve(file), GraphProtos.floatValues(tensor), dims);
      files.put(tensor.getName(), file);
    }
    List<Node> nodes = graph.getNodeList().stream().map(GraphExport::node).toList();
    Graph exported = new Graph(graph.getInput(0).getName(), output, nodes, files);
    try {
      JSON.writeValue(dir.resolve("graph.json").toFile(), exported);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve("graph.json"), e);
    }
    return exported;
  }

  private static Node node(NodeProto node) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (AttributeProto a : node.getAttributeList()) {
      switch (a.getType()) {
        case INT -> attributes.put(a.getName(), a.getI());
        case FLOAT -> attributes.put(a.getName(), a.getF());
        case INTS -> attributes.put(a.getName(), a.getIntsList());
        default -> attributes.put(a.getName(), a.getType().name());
      }
    }
    return new Node(node.getOpType(), node.getInputList(), node.getOutputList(), attributes);
  }

  private static ModelProto read(Path model) {
    try (InputStream in = Files.newInputStream(model)) {
      return ModelProto.parseFrom(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model " + model, e);
    }
  }
}
