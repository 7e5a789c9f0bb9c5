package dev.serval.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.serval.compress.NodeDecision;
import dev.serval.runtime.onnx.GraphProtos;
import java.util.List;

/** Node and attribute factories and attribute access for the rewrites. */
public final class Nodes {
  /** ONNX Runtime's contrib operator domain. */
  public static final String MICROSOFT = "com.microsoft";

  private Nodes() {}

  public static long intAttribute(NodeProto node, String name, long fallback) {
    return node.getAttributeList().stream()
        .filter(a -> a.getName().equals(name))
        .mapToLong(AttributeProto::getI)
        .findFirst()
        .orElse(fallback);
  }

  public static float floatAttribute(NodeProto node, String name, float fallback) {
    return node.getAttributeList().stream()
        .filter(a -> a.getName().equals(name))
        .map(AttributeProto::getF)
        .findFirst()
        .orElse(fallback);
  }

  /** A node of ONNX Runtime's contrib domain. */
  public static NodeProto microsoft(String opType, List<String> inputs, List<String> outputs,
      AttributeProto... attributes) {
    return onnx(opType, inputs, outputs, attributes).toBuilder().setDomain(MICROSOFT).build();
  }

  /**
   * A node of the default domain, without a name: ONNX names are optional, in a small model
   * generated names weigh as much as its weights, and {@link #label} names a node by its output.
   */
  public static NodeProto onnx(String opType, List<String> inputs, List<String> outputs,
      AttributeProto... attributes) {
    return GraphProtos.node(opType, inputs, outputs, attributes).toBuilder().clearName().build();
  }

  /** A one-output node of the default domain. */
  public static NodeProto onnx(
      String opType, List<String> inputs, String output, AttributeProto... attributes) {
    return onnx(opType, inputs, List.of(output), attributes);
  }

  public static NodeDecision changed(NodeProto node, String detail) {
    return NodeDecision.changed(label(node), node.getOpType(), detail);
  }

  public static NodeDecision kept(NodeProto node, String reason) {
    return NodeDecision.kept(label(node), node.getOpType(), reason);
  }

  /** How reports and exclusions name a node: its name, or its first output when unnamed. */
  public static String label(NodeProto node) {
    return node.getName().isEmpty() ? node.getOutput(0) : node.getName();
  }
}
