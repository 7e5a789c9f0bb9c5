package dev.serval.runtime.onnx;

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
import java.util.List;
import java.util.stream.LongStream;

/** Small factories over the ONNX protobuf builders, for the graphs Serval writes itself. */
public final class GraphProtos {
  /** IR version 8 (ONNX 1.10+) with opset 17 is read by every ONNX Runtime since 1.13. */
  public static final long IR_VERSION = 8;

  public static final long OPSET = 17;

  private GraphProtos() {}

  /** A tensor value; a dimension of -1 becomes a named symbolic (dynamic) dimension. */
  public static ValueInfoProto tensorValue(String name, TensorProto.DataType type, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (int i = 0; i < dims.length; i++) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (dims[i] < 0) {
        dim.setDimParam(i == 0 ? "batch" : "d" + i);
      } else {
        dim.setDimValue(dims[i]);
      }
      shape.addDim(dim);
    }
    TypeProto.Tensor tensor =
        TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape).build();
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(tensor))
        .build();
  }

  public static NodeProto node(
      String opType, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
    return NodeProto.newBuilder()
        .setOpType(opType)
        .setName(opType + "_" + outputs.get(0))
        .addAllInput(inputs)
        .addAllOutput(outputs)
        .addAllAttribute(List.of(attributes))
        .build();
  }

  public static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  /** A float initializer stored as little-endian raw data, the compact form. */
  public static TensorProto floatTensor(String name, float[] values, long... dims) {
    ByteBuffer raw =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.FLOAT.getNumber())
        .addAllDims(LongStream.of(dims).boxed().toList())
        .setRawData(ByteString.copyFrom(raw))
        .build();
  }

  /**
   * The elements of a float32 tensor held in the file, from its raw little-endian data or its
   * {@code float_data} field, whichever it uses.
   */
  public static float[] floatValues(TensorProto tensor) {
    if (tensor.getDataType() != TensorProto.DataType.FLOAT.getNumber()
        || tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new IllegalArgumentException("tensor '" + tensor.getName() + "' is not a float32"
          + " tensor stored in the model file");
    }
    if (tensor.getRawData().isEmpty()) {
      float[] values = new float[tensor.getFloatDataCount()];
      for (int i = 0; i < values.length; i++) {
        values[i] = tensor.getFloatData(i);
      }
      return values;
    }
    ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[raw.remaining() / Float.BYTES];
    raw.asFloatBuffer().get(values);
    return values;
  }

  public static ModelProto model(GraphProto graph) {
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("serval")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph)
        .build();
  }
}
