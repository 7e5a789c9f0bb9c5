package dev.serval.registry.validation;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;

/** Tiny ONNX graphs, written with the protobuf builders, for failures no sample model has. */
final class TestGraphs {
  private static final long IR_VERSION = 8;
  private static final long OPSET = 17;

  private TestGraphs() {}

  /** {@code y = op(x)} on FP32 {@code [-1, 2]}, for an operator of {@code domain}. */
  static byte[] unary(String op, String domain, long opset) {
    GraphProto graph = GraphProto.newBuilder()
        .setName("unary")
        .addInput(floatValue("x"))
        .addNode(node(op, List.of("x"), "y").toBuilder().setDomain(domain))
        .addOutput(floatValue("y"))
        .build();
    ModelProto.Builder model = model(graph, opset);
    if (!domain.isEmpty()) {
      model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(1));
    }
    return model.build().toByteArray();
  }

  /**
   * Input {@code x} FP32 {@code [-1, 2]}; output {@code ok} = x and output {@code bad} =
   * Sqrt(-(|x| + 1)), which is NaN everywhere.
   */
  static byte[] nanOutput() {
    TensorProto one = TensorProto.newBuilder()
        .setName("one")
        .setDataType(TensorProto.DataType.FLOAT.getNumber())
        .addFloatData(1f)
        .build();
    GraphProto graph = GraphProto.newBuilder()
        .setName("nan")
        .addInput(floatValue("x"))
        .addInitializer(one)
        .addNode(node("Identity", List.of("x"), "ok"))
        .addNode(node("Abs", List.of("x"), "abs"))
        .addNode(node("Add", List.of("abs", "one"), "shifted"))
        .addNode(node("Neg", List.of("shifted"), "negative"))
        .addNode(node("Sqrt", List.of("negative"), "bad"))
        .addOutput(floatValue("ok"))
        .addOutput(floatValue("bad"))
        .build();
    return model(graph, OPSET).build().toByteArray();
  }

  private static ModelProto.Builder model(GraphProto graph, long opset) {
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph);
  }

  private static NodeProto node(String op, List<String> inputs, String output) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(op + "_" + output)
        .addAllInput(inputs)
        .addOutput(output)
        .build();
  }

  private static ValueInfoProto floatValue(String name) {
    TensorShapeProto shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(2))
        .build();
    TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder()
        .setElemType(TensorProto.DataType.FLOAT.getNumber())
        .setShape(shape)
        .build();
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(tensor))
        .build();
  }
}
