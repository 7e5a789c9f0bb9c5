package dev.serval.registry.validation;

import dev.serval.core.Fp16;
import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads and writes single elements of fixed-size tensors by datatype: floating-point types as
 * doubles, integer and boolean types as longs (UINT64 as its raw bits).
 */
final class Elements {
  private Elements() {}

  static boolean isReal(DataType type) {
    return type == DataType.FP16 || type == DataType.FP32 || type == DataType.FP64;
  }

  /** A little-endian buffer for {@code shape}'s elements of {@code type}, to fill and flip. */
  static ByteBuffer allocate(DataType type, Shape shape) {
    return ByteBuffer.allocate(Math.toIntExact(shape.elementCount() * type.byteSize()))
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  static double real(ByteBuffer data, DataType type, int index) {
    switch (type) {
      case FP16:
        return Fp16.toFloat(data.getShort(index * 2));
      case FP32:
        return data.getFloat(index * 4);
      case FP64:
        return data.getDouble(index * 8);
      default:
        throw new IllegalArgumentException(type + " is not a floating-point datatype");
    }
  }

  static long integer(ByteBuffer data, DataType type, int index) {
    int offset = index * type.byteSize();
    switch (type) {
      case BOOL:
      case INT8:
        return data.get(offset);
      case UINT8:
        return Byte.toUnsignedLong(data.get(offset));
      case INT16:
        return data.getShort(offset);
      case UINT16:
        return Short.toUnsignedLong(data.getShort(offset));
      case INT32:
        return data.getInt(offset);
      case UINT32:
        return Integer.toUnsignedLong(data.getInt(offset));
      case INT64:
      case UINT64:
        return data.getLong(offset);
      default:
        throw new IllegalArgumentException(type + " is not an integer or boolean datatype");
    }
  }

  static void putReal(ByteBuffer data, DataType type, double value) {
    switch (type) {
      case FP16:
        data.putShort(Fp16.fromFloat((float) value));
        break;
      case FP32:
        data.putFloat((float) value);
        break;
      case FP64:
        data.putDouble(value);
        break;
      default:
        throw new IllegalArgumentException(type + " is not a floating-point datatype");
    }
  }

  /** Writes the low bytes of {@code value}; the caller has checked the range. */
  static void putInteger(ByteBuffer data, DataType type, long value) {
    switch (type.byteSize()) {
      case 1:
        data.put((byte) value);
        break;
      case 2:
        data.putShort((short) value);
        break;
      case 4:
        data.putInt((int) value);
        break;
      default:
        data.putLong(value);
    }
  }

  /** Whether an integer fits {@code type}; UINT64 values above Long.MAX_VALUE come as raw bits. */
  static boolean fits(DataType type, long value) {
    switch (type) {
      case BOOL:
        return value == 0 || value == 1;
      case UINT8:
      case UINT16:
      case UINT32:
        return value >= 0 && value < 1L << (8 * type.byteSize());
      case INT8:
      case INT16:
      case INT32:
        long half = 1L << (8 * type.byteSize() - 1);
        return value >= -half && value < half;
      default:
        return true;
    }
  }

  /** One element as a user would write it: strings quoted, UINT64 unsigned. */
  static String format(Tensor tensor, int index) {
    DataType type = tensor.datatype();
    if (type == DataType.BYTES) {
      return '"' + new String(tensor.strings()[index], StandardCharsets.UTF_8) + '"';
    }
    ByteBuffer data = tensor.data();
    if (isReal(type)) {
      return type == DataType.FP64
          ? Double.toString(real(data, type, index))
          : Float.toString((float) real(data, type, index));
    }
    long value = integer(data, type, index);
    if (type == DataType.BOOL) {
      return Boolean.toString(value != 0);
    }
    return type == DataType.UINT64 ? Long.toUnsignedString(value) : Long.toString(value);
  }

  /** A flat row-major index as a per-dimension index, e.g. 5 in [2, 3] → [1, 2]. */
  static String position(Shape shape, int flatIndex) {
    long[] position = new long[shape.rank()];
    long rest = flatIndex;
    for (int i = shape.rank() - 1; i >= 0; i--) {
      position[i] = rest % shape.dim(i);
      rest /= shape.dim(i);
    }
    return Arrays.toString(position);
  }
}
