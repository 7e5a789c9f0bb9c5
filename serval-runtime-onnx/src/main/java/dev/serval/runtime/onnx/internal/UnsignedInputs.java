package dev.serval.runtime.onnx.internal;

import static dev.serval.runtime.onnx.GraphProtos.intAttribute;
import static dev.serval.runtime.onnx.GraphProtos.node;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.serval.core.DataType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes UINT16, UINT32 and UINT64 inputs feedable. ONNX Runtime's Java API cannot create tensors
 * of those types, so each such input {@code x} is renamed to a signed input of the same width and
 * a {@code Cast} back to the unsigned type is put in front of the graph under the name {@code x}.
 * Integer casts keep the bit pattern, so the model sees exactly the bytes the client sent.
 */
public final class UnsignedInputs {
  private static final String SUFFIX = "__serval_signed";

  /**
   * The rewritten model and, for each adapted input, the name the session is fed under.
   *
   * @param model the serialized, rewritten model
   * @param feedNames adapted input name to the signed input name that replaces it
   */
  public record Rewrite(byte[] model, Map<String, String> feedNames) {}

  private UnsignedInputs() {}

  /**
   * Rewrites {@code model} so that the named inputs, each of a type that
   * {@link OnnxTypes#isFedAsSigned}, are fed as signed tensors.
   *
   * @throws InvalidProtocolBufferException when {@code model} is not an ONNX model
   */
  public static Rewrite rewrite(byte[] model, Map<String, DataType> unsignedInputs)
      throws InvalidProtocolBufferException {
    ModelProto proto = ModelProto.parseFrom(model);
    GraphProto.Builder graph = proto.getGraph().toBuilder();
    Set<String> taken = valueNames(graph);
    Map<String, String> feedNames = new HashMap<>();
    List<NodeProto> nodes = new ArrayList<>();
    for (int i = 0; i < graph.getInputCount(); i++) {
      ValueInfoProto input = graph.getInput(i);
      DataType type = unsignedInputs.get(input.getName());
      if (type == null) {
        continue;
      }
      String feed = unusedName(input.getName() + SUFFIX, taken);
      ValueInfoProto.Builder signed = input.toBuilder().setName(feed);
      signed.getTypeBuilder().getTensorTypeBuilder()
          .setElemType(OnnxTypes.signedProto(type).getNumber());
      graph.setInput(i, signed);
      TensorProto.DataType unsigned = OnnxTypes.toProto(type);
      nodes.add(node("Cast", List.of(feed), List.of(input.getName()),
          intAttribute("to", unsigned.getNumber())));
      feedNames.put(input.getName(), feed);
    }
    // The casts come first so that the node list stays topologically sorted.
    nodes.addAll(graph.getNodeList());
    graph.clearNode().addAllNode(nodes);
    byte[] rewritten = proto.toBuilder().setGraph(graph).build().toByteArray();
    return new Rewrite(rewritten, Map.copyOf(feedNames));
  }

  private static Set<String> valueNames(GraphProto.Builder graph) {
    Set<String> names = new HashSet<>();
    graph.getInputList().forEach(v -> names.add(v.getName()));
    graph.getOutputList().forEach(v -> names.add(v.getName()));
    graph.getValueInfoList().forEach(v -> names.add(v.getName()));
    graph.getInitializerList().forEach(t -> names.add(t.getName()));
    for (NodeProto n : graph.getNodeList()) {
      names.addAll(n.getInputList());
      names.addAll(n.getOutputList());
    }
    return names;
  }

  private static String unusedName(String wanted, Set<String> taken) {
    String name = wanted;
    for (int i = 2; taken.contains(name); i++) {
      name = wanted + i;
    }
    taken.add(name);
    return name;
  }
}
