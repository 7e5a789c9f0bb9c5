package dev.serval.server.api.internal;

import dev.serval.core.Fp16;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Streams one input's JSON {@code data} array, flat or nested exactly as the shape, straight into
 * a little-endian buffer sized from the shape (or one byte string per element for BYTES), with no
 * per-element objects.
 */
final class JsonDataReader {
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final int MAX_SHOWN_TOKEN = 40;
  private static final long MAX_BUFFER_BYTES = Integer.MAX_VALUE - 8;

  private final JsonParser parser;
  private final String name;
  private final DataType type;
  private final Shape shape;
  private final int count;
  private final ByteBuffer buffer;
  private final byte[][] strings;
  private int read;

  private JsonDataReader(JsonParser parser, String name, DataType type, Shape shape, int count) {
    this.parser = parser;
    this.name = name;
    this.type = type;
    this.shape = shape;
    this.count = count;
    if (type.isFixedSize()) {
      this.buffer = ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
      this.strings = null;
    } else {
      this.buffer = null;
      this.strings = new byte[count][];
    }
  }

  /**
   * Reads the array at the parser's current {@code START_ARRAY} token, leaving the parser on its
   * matching {@code END_ARRAY}.
   *
   * @param sourceBytes how many bytes of JSON are left from the array's start; bounds the element
   *     count before anything is allocated, since every element takes at least two bytes
   * @throws InvalidInputException when the data does not fit the datatype and shape
   */
  static Tensor read(JsonParser parser, String name, DataType type, Shape shape, long sourceBytes)
      throws IOException {
    long elements = shape.elementCount();
    long atMost = Math.max(0, (sourceBytes - 1) / 2);
    if (elements > atMost) {
      throw new InvalidInputException(
          "input '" + name + "': shape " + shape + " needs " + elements
              + " elements but its data cannot hold more than " + atMost);
    }
    if (type.isFixedSize() && elements * type.byteSize() > MAX_BUFFER_BYTES) {
      throw new InvalidInputException(
          "input '" + name + "': shape " + shape + " is too large for one tensor");
    }
    JsonDataReader reader = new JsonDataReader(parser, name, type, shape, (int) elements);
    return reader.readArray();
  }

  private Tensor readArray() throws IOException {
    JsonToken first = parser.nextToken();
    if (first == JsonToken.START_ARRAY) {
      readNested(0, first);
    } else {
      readFlat(first);
    }
    if (read != count) {
      throw fail("data has " + read + " elements but shape " + shape + " needs " + count);
    }
    if (strings != null) {
      return Tensor.ofStrings(name, shape, strings);
    }
    buffer.flip();
    return Tensor.of(name, type, shape, buffer);
  }

  private void readFlat(JsonToken first) throws IOException {
    for (JsonToken token = first; token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      if (read == count) {
        throw fail("data has more than the " + count + " elements shape " + shape + " needs");
      }
      readElement(token);
    }
  }

  /** Reads the elements of one nesting level; {@code token} is the first one after its '['. */
  private void readNested(int level, JsonToken first) throws IOException {
    if (level >= shape.rank()) {
      throw fail("data is nested deeper than the " + shape.rank() + " dimensions of shape " + shape);
    }
    boolean innermost = level == shape.rank() - 1;
    long size = 0;
    for (JsonToken token = first; token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      if (++size > shape.dim(level)) {
        throw nestingMismatch(level);
      }
      if (innermost) {
        readElement(token);
      } else if (token == JsonToken.START_ARRAY) {
        readNested(level + 1, parser.nextToken());
      } else {
        throw fail("nested data must be arrays down to dimension " + (shape.rank() - 1)
            + " of shape " + shape + " but found " + shown(token) + " at dimension " + level);
      }
    }
    if (size != shape.dim(level)) {
      throw nestingMismatch(level);
    }
  }

  private InvalidInputException nestingMismatch(int level) {
    return fail("nested data does not match shape " + shape + ": dimension " + level
        + " must have " + shape.dim(level) + " elements");
  }

  private void readElement(JsonToken token) throws IOException {
    switch (type) {
      case BOOL -> buffer.put(readBool(token) ? (byte) 1 : (byte) 0);
      case UINT8 -> buffer.put((byte) readInteger(token, 0, 0xff));
      case INT8 -> buffer.put((byte) readInteger(token, Byte.MIN_VALUE, Byte.MAX_VALUE));
      case UINT16 -> buffer.putShort((short) readInteger(token, 0, 0xffff));
      case INT16 -> buffer.putShort((short) readInteger(token, Short.MIN_VALUE, Short.MAX_VALUE));
      case UINT32 -> buffer.putInt((int) readInteger(token, 0, 0xffff_ffffL));
      case INT32 -> buffer.putInt((int) readInteger(token, Integer.MIN_VALUE, Integer.MAX_VALUE));
      case INT64 -> buffer.putLong(readInteger(token, Long.MIN_VALUE, Long.MAX_VALUE));
      case UINT64 -> buffer.putLong(readUint64(token));
      case FP16 -> buffer.putShort(readHalf(token));
      case FP32 -> buffer.putFloat(readFloat(token));
      case FP64 -> buffer.putDouble(readDouble(token));
      case BYTES -> strings[read] = readString(token);
    }
    read++;
  }

  private boolean readBool(JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (token != JsonToken.VALUE_FALSE) {
      throw unexpected(token, "true or false");
    }
    return false;
  }

  private long readInteger(JsonToken token, long min, long max) throws IOException {
    requireInteger(token);
    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw outOfRange();
    }
    long value = parser.getLongValue();
    if (value < min || value > max) {
      throw outOfRange();
    }
    return value;
  }

  private long readUint64(JsonToken token) throws IOException {
    requireInteger(token);
    if (parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      long value = parser.getLongValue();
      if (value < 0) {
        throw outOfRange();
      }
      return value;
    }
    BigInteger value = parser.getBigIntegerValue();
    if (value.signum() < 0 || value.compareTo(UINT64_MAX) > 0) {
      throw outOfRange();
    }
    return value.longValue();
  }

  private short readHalf(JsonToken token) throws IOException {
    short half = Fp16.fromDouble(readDouble(token));
    if (Fp16.isInfinite(half)) {
      throw outOfRange();
    }
    return half;
  }

  private float readFloat(JsonToken token) throws IOException {
    requireNumber(token);
    // parsed as a float, not narrowed from a double, which could round twice; widening is exact
    return (float) finite(parser.getFloatValue());
  }

  private double readDouble(JsonToken token) throws IOException {
    requireNumber(token);
    return finite(parser.getDoubleValue());
  }

  private double finite(double value) throws IOException {
    if (Double.isInfinite(value)) {
      throw outOfRange();
    }
    return value;
  }

  private void requireInteger(JsonToken token) throws IOException {
    if (token != JsonToken.VALUE_NUMBER_INT) {
      throw unexpected(token, "an integer");
    }
  }

  private void requireNumber(JsonToken token) throws IOException {
    if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
      throw unexpected(token, "a number");
    }
  }

  private byte[] readString(JsonToken token) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      throw unexpected(token, "a string");
    }
    return parser.getText().getBytes(StandardCharsets.UTF_8);
  }

  private InvalidInputException unexpected(JsonToken token, String expected) throws IOException {
    return fail("element " + read + " of data is " + shown(token) + " but " + type
        + " needs " + expected);
  }

  private InvalidInputException outOfRange() throws IOException {
    return fail("element " + read + " of data, " + shown(parser.currentToken())
        + ", is out of range for " + type);
  }

  private String shown(JsonToken token) throws IOException {
    if (token == JsonToken.START_ARRAY) {
      return "an array";
    }
    if (token == JsonToken.START_OBJECT) {
      return "an object";
    }
    String text = parser.getText();
    String shortened =
        text.length() <= MAX_SHOWN_TOKEN ? text : text.substring(0, MAX_SHOWN_TOKEN) + "...";
    return token == JsonToken.VALUE_STRING ? '"' + shortened + '"' : shortened;
  }

  private InvalidInputException fail(String problem) {
    return new InvalidInputException("input '" + name + "': " + problem);
  }
}
