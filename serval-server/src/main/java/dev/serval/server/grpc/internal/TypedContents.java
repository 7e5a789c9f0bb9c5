package dev.serval.server.grpc.internal;

import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.grpc.api.InferTensorContents;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads an input tensor from {@code InferTensorContents}: the repeated field that matches the
 * datatype, checked against the shape's element count and the datatype's range.
 */
final class TypedContents {
  private TypedContents() {}

  /**
   * @throws InvalidInputException when the field's element count differs from the shape's, a
   *     value is out of the datatype's range, or the datatype is FP16 (which has no field)
   */
  static Tensor read(String name, DataType type, Shape shape, InferTensorContents contents) {
    if (type == DataType.FP16) {
      throw new InvalidInputException(
          "input '" + name + "': FP16 has no typed contents field; send it in "
              + "raw_input_contents");
    }
    int count = checkCount(name, type, shape, contents);
    if (type == DataType.BYTES) {
      byte[][] elements = new byte[count][];
      for (int i = 0; i < count; i++) {
        elements[i] = contents.getBytesContents(i).toByteArray();
      }
      return Tensor.ofStrings(name, shape, elements);
    }
    ByteBuffer data = ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      put(data, name, type, contents, i);
    }
    return Tensor.of(name, type, shape, data.flip());
  }

  private static void put(
      ByteBuffer data, String name, DataType type, InferTensorContents c, int i) {
    switch (type) {
      case BOOL -> data.put((byte) (c.getBoolContents(i) ? 1 : 0));
      case INT8 -> data.put((byte) signed(name, type, c.getIntContents(i), i));
      case INT16 -> data.putShort((short) signed(name, type, c.getIntContents(i), i));
      case INT32 -> data.putInt(c.getIntContents(i));
      case INT64 -> data.putLong(c.getInt64Contents(i));
      case UINT8 -> data.put((byte) unsigned(name, type, c.getUintContents(i), i));
      case UINT16 -> data.putShort((short) unsigned(name, type, c.getUintContents(i), i));
      case UINT32 -> data.putInt(c.getUintContents(i));
      case UINT64 -> data.putLong(c.getUint64Contents(i));
      case FP32 -> data.putFloat(c.getFp32Contents(i));
      case FP64 -> data.putDouble(c.getFp64Contents(i));
      default -> throw new IllegalArgumentException("no fixed-size field for " + type);
    }
  }

  private static int checkCount(
      String name, DataType type, Shape shape, InferTensorContents contents) {
    int given = count(type, contents);
    if (given != shape.elementCount()) {
      throw new InvalidInputException(
          "input '" + name + "': shape " + shape + " needs " + shape.elementCount()
              + " elements but " + field(type) + " has " + given);
    }
    return given;
  }

  private static int count(DataType type, InferTensorContents c) {
    return switch (type) {
      case BOOL -> c.getBoolContentsCount();
      case INT8, INT16, INT32 -> c.getIntContentsCount();
      case INT64 -> c.getInt64ContentsCount();
      case UINT8, UINT16, UINT32 -> c.getUintContentsCount();
      case UINT64 -> c.getUint64ContentsCount();
      case FP32 -> c.getFp32ContentsCount();
      case FP64 -> c.getFp64ContentsCount();
      case BYTES -> c.getBytesContentsCount();
      case FP16 -> 0;
    };
  }

  /** The protocol's name of the field that holds {@code type}'s elements. */
  static String field(DataType type) {
    return switch (type) {
      case BOOL -> "bool_contents";
      case INT8, INT16, INT32 -> "int_contents";
      case INT64 -> "int64_contents";
      case UINT8, UINT16, UINT32 -> "uint_contents";
      case UINT64 -> "uint64_contents";
      case FP32 -> "fp32_contents";
      case FP64 -> "fp64_contents";
      case BYTES -> "bytes_contents";
      case FP16 -> "raw_input_contents";
    };
  }

  private static int signed(String name, DataType type, int value, int index) {
    int bits = type.byteSize() * Byte.SIZE;
    if (value < -(1 << (bits - 1)) || value >= 1 << (bits - 1)) {
      throw outOfRange(name, type, Integer.toString(value), index);
    }
    return value;
  }

  private static int unsigned(String name, DataType type, int value, int index) {
    if (Integer.toUnsignedLong(value) >= 1L << (type.byteSize() * Byte.SIZE)) {
      throw outOfRange(name, type, Integer.toUnsignedString(value), index);
    }
    return value;
  }

  private static InvalidInputException outOfRange(
      String name, DataType type, String value, int index) {
    return new InvalidInputException(
        "input '" + name + "': element " + index + " of " + field(type) + " is " + value
            + ", outside the range of " + type);
  }
}
