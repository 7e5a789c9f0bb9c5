package dev.serval.bench.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.serval.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Writes a fixed-size tensor's little-endian elements as JSON values of its datatype. */
final class TensorJson {
  private TensorJson() {}

  static void writeElements(JsonGenerator json, Tensor tensor) throws IOException {
    if (!tensor.datatype().isFixedSize()) {
      throw new IllegalArgumentException(
          "tensor '" + tensor.name() + "' is BYTES; only fixed-size tensors are written");
    }
    ByteBuffer data = tensor.data();
    while (data.hasRemaining()) {
      switch (tensor.datatype()) {
        case BOOL -> json.writeBoolean(data.get() != 0);
        case INT8 -> json.writeNumber(data.get());
        case UINT8 -> json.writeNumber(data.get() & 0xFF);
        case INT16 -> json.writeNumber(data.getShort());
        case UINT16 -> json.writeNumber(data.getShort() & 0xFFFF);
        case INT32 -> json.writeNumber(data.getInt());
        case UINT32 -> json.writeNumber(data.getInt() & 0xFFFF_FFFFL);
        case INT64 -> json.writeNumber(data.getLong());
        case UINT64 -> json.writeNumber(Long.toUnsignedString(data.getLong()));
        case FP16 -> json.writeNumber(halfToFloat(data.getShort()));
        case FP32 -> json.writeNumber(data.getFloat());
        case FP64 -> json.writeNumber(data.getDouble());
        default -> throw new AssertionError(tensor.datatype());
      }
    }
  }

  /** IEEE 754 half precision to float (Java 17 has no Float.float16ToFloat). */
  static float halfToFloat(short half) {
    int bits = half & 0xFFFF;
    float sign = (bits & 0x8000) != 0 ? -1f : 1f;
    int exponent = (bits >>> 10) & 0x1F;
    int mantissa = bits & 0x3FF;
    if (exponent == 0) {
      return sign * mantissa * 0x1p-24f;
    }
    if (exponent == 0x1F) {
      return mantissa == 0 ? sign * Float.POSITIVE_INFINITY : Float.NaN;
    }
    return sign * Float.intBitsToFloat(((exponent + 112) << 23) | (mantissa << 13));
  }
}
