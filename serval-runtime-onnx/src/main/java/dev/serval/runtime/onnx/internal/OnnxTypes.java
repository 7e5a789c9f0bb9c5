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
  private static final String RUNTIME_PREFIX = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";

  private record Row(TensorProto.DataType proto, OnnxJavaType feed) {}

  private static final Map<DataType, Row> ROWS = new EnumMap<>(DataType.class);
  private static final Map<OnnxTensorType, DataType> BY_RUNTIME =
      new EnumMap<>(OnnxTensorType.class);

  static {
    // Only the ONNX name is listed per datatype: ONNX Runtime's enum repeats it after a prefix (its
    // numbers differ), and ONNX Runtime itself says which Java type feeds it, which for the wider
    // unsigned types is the signed type of the same width (see UnsignedInputs).
    for (DataType type : DataType.values()) {
      TensorProto.DataType proto = onnxName(type);
      OnnxTensorType runtime = OnnxTensorType.valueOf(RUNTIME_PREFIX + proto.name());
      ROWS.put(type, new Row(proto, OnnxJavaType.mapFromOnnxTensorType(runtime)));
      BY_RUNTIME.put(runtime, type);
    }
  }

  private OnnxTypes() {}

  private static TensorProto.DataType onnxName(DataType type) {
    return switch (type) {
      case FP16 -> TensorProto.DataType.FLOAT16;
      case FP32 -> TensorProto.DataType.FLOAT;
      case FP64 -> TensorProto.DataType.DOUBLE;
      case BYTES -> TensorProto.DataType.STRING;
      // the integer and boolean types have the same names in both
      default -> TensorProto.DataType.valueOf(type.name());
    };
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
    if (!isFedAsSigned(type)) {
      throw new IllegalArgumentException("datatype " + type + " is fed as itself");
    }
    // the signed Java feed type (INT16, INT32, INT64) has the same name as its ONNX type
    return TensorProto.DataType.valueOf(ROWS.get(type).feed().name());
  }

  /** A readable ONNX type name for messages, e.g. {@code bfloat16}. */
  public static String describe(OnnxTensorType type) {
    return type.name().replace(RUNTIME_PREFIX, "").toLowerCase(Locale.ROOT);
  }
}
