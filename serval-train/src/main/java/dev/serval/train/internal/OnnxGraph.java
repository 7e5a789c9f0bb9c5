package dev.serval.train.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Collects the nodes and weights of an exported network; every tensor is [batch, width]. */
public final class OnnxGraph {
  /** IR 8 with opset 17: read by every ONNX Runtime since 1.13, including the pinned one. */
  static final long IR_VERSION = 8;

  static final long OPSET = 17;

  private final GraphProto.Builder graph;

  public OnnxGraph(String name) {
    this.graph = GraphProto.newBuilder().setName(name);
  }

  /** Adds a float initializer (little-endian raw data) and returns its name. */
  public String floats(String name, float[] values, long... dims) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    graph.addInitializer(initializer(name, TensorProto.DataType.FLOAT, dims)
        .setRawData(ByteString.copyFrom(raw)));
    return name;
  }

  /** Adds a one-dimensional int64 initializer, e.g. a Reshape target, and returns its name. */
  public String longs(String name, long... values) {
    graph.addInitializer(initializer(name, TensorProto.DataType.INT64, values.length)
        .addAllInt64Data(Arrays.stream(values).boxed().toList()));
    return name;
  }

  /** Adds a node named after its output and returns the output's name. */
  public String node(String op, List<String> inputs, String output, AttributeProto... attributes) {
    graph.addNode(NodeProto.newBuilder()
        .setOpType(op)
        .setName(op + "_" + output)
        .addAllInput(inputs)
        .addOutput(output)
        .addAllAttribute(List.of(attributes)));
    return output;
  }

  /**
   * Runs {@code op} (with {@code extra} inputs and {@code attributes}) on {@code x} seen as
   * images {@code [N, channels, height, width]} and flattens the result back to rows, so that
   * the layers of an image network keep the [batch, width] tensors of all other layers.
   */
  public String onImages(String op, String x, int[] chw, List<String> extra, String output,
      AttributeProto... attributes) {
    String shape = longs(output + ".shape", -1, chw[0], chw[1], chw[2]);
    String images = node("Reshape", List.of(x, shape), output + ".images");
    List<String> inputs = new ArrayList<>(List.of(images));
    inputs.addAll(extra);
    String result = node(op, inputs, output + "." + op.toLowerCase(Locale.ROOT),
        attributes);
    return node("Flatten", List.of(result), output, attribute("axis", 1L));
  }

  public static AttributeProto attribute(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  public static AttributeProto attribute(String name, long... values) {
    return AttributeProto.newBuilder()
        .setName(name).setType(AttributeProto.AttributeType.INTS)
        .addAllInts(Arrays.stream(values).boxed().toList()).build();
  }

  public static AttributeProto attribute(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  /** The serialized model with float input {@code input} and output {@code output}. */
  public byte[] model(String input, int inputWidth, String output, int outputWidth) {
    graph.addInput(batchOf(input, inputWidth));
    graph.addOutput(batchOf(output, outputWidth));
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("serval-train")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  private static TensorProto.Builder initializer(
      String name, TensorProto.DataType type, long... dims) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(type.getNumber())
        .addAllDims(Arrays.stream(dims).boxed().toList());
  }

  private static ValueInfoProto batchOf(String name, int width) {
    TensorShapeProto shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width))
        .build();
    TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder()
        .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape).build();
    return ValueInfoProto.newBuilder()
        .setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
  }
}
