package dev.serval.runtime.onnx.internal;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import dev.serval.core.DataType;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where Serval's {@link DataType} meets ONNX's element types and ONNX Runtime's Java
 * enums (which number the element types differently from the ONNX protobuf).
 */
public final class OnnxTypes {
  private record Row(TensorProto.DataType proto, OnnxTensorType runtime, OnnxJavaType feed) {}

  private static final Map<DataType, Row> ROWS = new EnumMap<>(DataType.class);
  private static final Map<OnnxTensorType, DataType> BY_RUNTIME =
      new EnumMap<>(OnnxTensorType.class);

  static {
    row(DataType.BOOL, TensorProto.DataType.BOOL, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL,
        OnnxJavaType.BOOL);
    row(DataType.UINT8, TensorProto.DataType.UINT8,
        OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8, OnnxJavaType.UINT8);
    // The Java API cannot create wider unsigned tensors; such inputs are fed as the signed type of
    // the same width and cast back inside the graph (see UnsignedInputs).
    row(DataType.UINT16, TensorProto.DataType.UINT16,
        OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16, OnnxJavaType.INT16);
    row(DataType.UINT32, TensorProto.DataType.UINT32,
        OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32, OnnxJavaType.INT32);
    row(DataType.UINT64, TensorProto.DataType.UINT64,
        OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64, OnnxJavaType.INT64);
    row(DataType.INT8, TensorProto.DataType.INT8, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8,
        OnnxJavaType.INT8);
    row(DataType.INT16, TensorProto.DataType.INT16,
        OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16, OnnxJavaType.INT16);
    row(DataType.INT32, TensorProto.DataType.INT32,
        OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32, OnnxJavaType.INT32);
    row(DataType.INT64, TensorProto.DataType.INT64,
        OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, OnnxJavaType.INT64);
    row(DataType.FP16, TensorProto.DataType.FLOAT16,
        OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, OnnxJavaType.FLOAT16);
    row(DataType.FP32, TensorProto.DataType.FLOAT,
        OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, OnnxJavaType.FLOAT);
    row(DataType.FP64, TensorProto.DataType.DOUBLE,
        OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE, OnnxJavaType.DOUBLE);
    row(DataType.BYTES, TensorProto.DataType.STRING,
        OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, OnnxJavaType.STRING);
  }

  private OnnxTypes() {}

  private static void row(
      DataType type, TensorProto.DataType proto, OnnxTensorType runtime, OnnxJavaType feed) {
    ROWS.put(type, new Row(proto, runtime, feed));
    BY_RUNTIME.put(runtime, type);
  }

  /** The ONNX element type for a Serval datatype. */
  public static TensorProto.DataType toProto(DataType type) {
    return ROWS.get(type).proto();
  }

  /** The Serval datatype for an ONNX Runtime element type, if Serval supports it. */
  public static Optional<DataType> fromRuntime(OnnxTensorType type) {
    return Optional.ofNullable(BY_RUNTIME.get(type));
  }

  /** The type ONNX Runtime's Java API is given when creating an input tensor of {@code type}. */
  public static OnnxJavaType feedType(DataType type) {
    return ROWS.get(type).feed();
  }

  /**
   * Whether inputs of this type must be fed as the signed type of the same width, because the
   * Java API cannot create them.
   */
  public static boolean isFedAsSigned(DataType type) {
    return type == DataType.UINT16 || type == DataType.UINT32 || type == DataType.UINT64;
  }

  /** The signed ONNX element type of the same width, for a type that {@link #isFedAsSigned}. */
  public static TensorProto.DataType signedProto(DataType type) {
    switch (type) {
      case UINT16:
        return TensorProto.DataType.INT16;
      case UINT32:
        return TensorProto.DataType.INT32;
      case UINT64:
        return TensorProto.DataType.INT64;
      default:
        throw new IllegalArgumentException("datatype " + type + " is fed as itself");
    }
  }

  /** A readable ONNX type name for messages, e.g. {@code bfloat16}. */
  public static String describe(OnnxTensorType type) {
    return type.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase(Locale.ROOT);
  }
}
