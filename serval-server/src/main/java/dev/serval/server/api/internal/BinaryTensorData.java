package dev.serval.server.api.internal;

import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Tensors of the binary tensor data extension: fixed-size elements are raw little-endian bytes
 * (used in place, without copying); BYTES elements are each a 4-byte little-endian length
 * followed by that many bytes. The gRPC API's raw contents use the same encoding.
 */
public final class BinaryTensorData {
  private static final int LENGTH_PREFIX = Integer.BYTES;

  private BinaryTensorData() {}

  /**
   * The tensor held by {@code size} bytes of {@code body} from {@code offset}; the caller has
   * checked that they lie inside the body.
   *
   * @throws InvalidInputException when the bytes do not match the datatype and shape exactly
   */
  public static Tensor read(
      String name, DataType type, Shape shape, byte[] body, int offset, int size) {
    if (type.isFixedSize()) {
      long expected = shape.elementCount() * type.byteSize();
      if (size != expected) {
        throw new InvalidInputException(
            "input '" + name + "': binary_data_size is " + size + " but datatype " + type
                + " and shape " + shape + " need " + expected + " bytes");
      }
      return Tensor.of(name, type, shape, ByteBuffer.wrap(body, offset, size));
    }
    return Tensor.ofStrings(name, shape, readStrings(name, shape, body, offset, size));
  }

  /** Total size of a BYTES tensor in this encoding. */
  public static long stringsSize(byte[][] elements) {
    long size = (long) elements.length * LENGTH_PREFIX;
    for (byte[] element : elements) {
      size += element.length;
    }
    return size;
  }

  /**
   * A BYTES tensor's elements in this encoding.
   *
   * @throws InvalidInputException when they exceed the largest Java array
   */
  public static byte[] writeStrings(byte[][] elements) {
    long size = stringsSize(elements);
    if (size > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException(
          "BYTES tensor of " + size + " bytes is larger than one message can carry");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    for (byte[] element : elements) {
      out.putInt(element.length).put(element);
    }
    return out.array();
  }

  private static byte[][] readStrings(
      String name, Shape shape, byte[] body, int offset, int size) {
    long count = shape.elementCount();
    // Each element takes at least its length prefix, which bounds the allocation.
    if (count > size / LENGTH_PREFIX) {
      throw new InvalidInputException(
          "input '" + name + "': shape " + shape + " needs " + count
              + " BYTES elements but binary_data_size " + size + " cannot hold more than "
              + size / LENGTH_PREFIX);
    }
    ByteBuffer in = ByteBuffer.wrap(body, offset, size).order(ByteOrder.LITTLE_ENDIAN);
    byte[][] elements = new byte[(int) count][];
    for (int i = 0; i < elements.length; i++) {
      if (in.remaining() < LENGTH_PREFIX) {
        throw truncated(name, i, size);
      }
      int length = in.getInt();
      if (length < 0 || length > in.remaining()) {
        throw truncated(name, i, size);
      }
      int start = in.position();
      elements[i] = Arrays.copyOfRange(body, start, start + length);
      in.position(start + length);
    }
    if (in.hasRemaining()) {
      throw new InvalidInputException(
          "input '" + name + "': binary_data_size is " + size + " but its " + count
              + " BYTES elements take " + (size - in.remaining()) + " bytes");
    }
    return elements;
  }

  private static InvalidInputException truncated(String name, int element, int size) {
    return new InvalidInputException(
        "input '" + name + "': BYTES element " + element + " does not fit in binary_data_size "
            + size);
  }
}
