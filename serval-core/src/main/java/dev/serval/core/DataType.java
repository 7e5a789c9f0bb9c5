package dev.serval.core;

import java.util.Locale;

/**
 * Tensor element types, named as in the Open Inference Protocol. Numeric and boolean tensors are
 * held as little-endian bytes of {@link #byteSize()} per element; {@link #BYTES} tensors hold one
 * byte string per element.
 */
public enum DataType {
  BOOL(1),
  UINT8(1),
  UINT16(2),
  UINT32(4),
  UINT64(8),
  INT8(1),
  INT16(2),
  INT32(4),
  INT64(8),
  FP16(2),
  FP32(4),
  FP64(8),
  BYTES(-1);

  private final int byteSize;

  DataType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element, or -1 for {@link #BYTES}, whose elements vary in length. */
  public int byteSize() {
    return byteSize;
  }

  public boolean isFixedSize() {
    return byteSize > 0;
  }

  /**
   * Parses a protocol datatype name such as {@code "FP32"}.
   *
   * @throws InvalidInputException when the name is not a known datatype
   */
  public static DataType fromName(String name) {
    if (name != null) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException ignored) {
        // fall through to the message that lists what is accepted
      }
    }
    throw new InvalidInputException(
        "unknown datatype '" + name + "'; expected one of BOOL, UINT8, UINT16, UINT32, UINT64, "
            + "INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES");
  }
}
