package dev.serval.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A named tensor. Fixed-size datatypes keep their elements as little-endian bytes in a
 * {@link ByteBuffer} (heap or direct), which the runtime can use without per-element work;
 * {@link DataType#BYTES} tensors keep one byte string per element.
 *
 * <p>The buffer is shared, not copied: producers hand over ownership and must not modify it
 * afterwards. {@link #data()} returns a read-only little-endian view positioned at zero.
 */
public final class Tensor {
  private final String name;
  private final DataType datatype;
  private final Shape shape;
  private final ByteBuffer data;
  private final byte[][] strings;

  private Tensor(String name, DataType datatype, Shape shape, ByteBuffer data, byte[][] strings) {
    this.name = Objects.requireNonNull(name, "name");
    this.datatype = datatype;
    this.shape = shape;
    this.data = data;
    this.strings = strings;
  }

  /**
   * A fixed-size tensor over {@code data}'s remaining bytes.
   *
   * @throws InvalidInputException when the byte count does not match the shape
   */
  public static Tensor of(String name, DataType datatype, Shape shape, ByteBuffer data) {
    if (!datatype.isFixedSize()) {
      throw new IllegalArgumentException("datatype " + datatype + " needs Tensor.ofStrings");
    }
    long expected = shape.elementCount() * datatype.byteSize();
    if (data.remaining() != expected) {
      throw new InvalidInputException(
          "tensor '" + name + "' of datatype " + datatype + " and shape " + shape + " needs "
              + expected + " bytes but has " + data.remaining());
    }
    ByteBuffer view = data.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer();
    return new Tensor(name, datatype, shape, view.order(ByteOrder.LITTLE_ENDIAN), null);
  }

  /**
   * A {@link DataType#BYTES} tensor with one byte string per element.
   *
   * @throws InvalidInputException when the element count does not match the shape
   */
  public static Tensor ofStrings(String name, Shape shape, byte[][] elements) {
    if (elements.length != shape.elementCount()) {
      throw new InvalidInputException(
          "tensor '" + name + "' of shape " + shape + " needs " + shape.elementCount()
              + " elements but has " + elements.length);
    }
    return new Tensor(name, DataType.BYTES, shape, null, elements.clone());
  }

  public String name() {
    return name;
  }

  public DataType datatype() {
    return datatype;
  }

  public Shape shape() {
    return shape;
  }

  /** This tensor under another name, sharing the data. */
  public Tensor withName(String newName) {
    return new Tensor(newName, datatype, shape, data, strings);
  }

  /** Read-only little-endian view of the element bytes; fixed-size datatypes only. */
  public ByteBuffer data() {
    if (data == null) {
      throw new IllegalStateException("tensor '" + name + "' is BYTES; use strings()");
    }
    return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The element byte strings; {@link DataType#BYTES} only. The arrays must not be modified. */
  public byte[][] strings() {
    if (strings == null) {
      throw new IllegalStateException("tensor '" + name + "' is " + datatype + "; use data()");
    }
    return strings.clone();
  }

  /** Size of the element data in bytes (for BYTES, the sum of the string lengths). */
  public long byteCount() {
    if (data != null) {
      return data.remaining();
    }
    long total = 0;
    for (byte[] s : strings) {
      total += s.length;
    }
    return total;
  }

  @Override
  public String toString() {
    return "Tensor[" + name + ", " + datatype + ", " + shape + "]";
  }
}
