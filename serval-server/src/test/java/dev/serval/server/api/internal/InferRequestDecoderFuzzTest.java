package dev.serval.server.api.internal;

import dev.serval.core.Fp16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Tensor;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property tests of the decoder against untrusted bodies: random valid requests decode to exactly
 * their values; random mutations of valid bodies decode or fail with InvalidInputException, never
 * anything else (no other exception, no allocation beyond a small multiple of the body however
 * large a forged shape claims to be, no hang).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard, not a speed check
class InferRequestDecoderFuzzTest {
  private static final int CASES = 4000;
  /**
   * Decoding may allocate a few times the body (FP64 from short numbers) plus parser buffers and
   * exceptions; the first cases of a run also load classes, so they are not measured.
   */
  private static final long ALLOCATION_PER_BODY_BYTE = 16;
  private static final long ALLOCATION_ALLOWANCE = 4 << 20;
  private static final int UNMEASURED_CASES = 100;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final DataType[] TYPES = DataType.values();
  private static final String[] TOKENS = {
    "-1", "0", "1.5", "1e400", "-1e400", "99999999999999999999999999", "18446744073709551616",
    "2147483648", "4294967296", "null", "true", "\"x\"", "[", "]", "{", "}", ",", ":", "\"",
    "\"FP16\"", "\"BYTES\"", "\"UINT64\"", "\"BOOL\"", "\"binary_data_size\"",
    "{\"binary_data_size\":4}", "[[[[", "]]]]", "[1000000000,1000000000]",
    "[4294967296,4294967296]", "[50000000]", "[10000,10000]", "\"\\ud800\"", "\"data\":[1],", "\"shape\":[2],", "\\u0000",
    "\"parameters\":{\"timeout\":1},", "\"outputs\":[{\"name\":\"y\"}],"
  };

  private static final String[] ARRAYS = {
    "[]", "[0]", "[-1]", "[50000000]", "[10000,10000]", "[3,0,5]", "[99999999999999999999]",
    "[1,1,1,1,1,1,1,1]", "[[1,2],[3]]", "[1.5]", "[\"a\"]", "[true]"
  };

  private final InferRequestDecoder decoder = new InferRequestDecoder(Json.FACTORY);

  @Test
  void decodesRandomValidRequestsToExactlyTheirValues() {
    Random random = new Random(20240601);
    for (int i = 0; i < CASES; i++) {
      GeneratedRequest request = GeneratedRequest.random(random);

      List<Tensor> inputs =
          decoder.decode("m", null, request.body(), request.headerLength()).request().inputs();

      assertThat(inputs).as("case %d: %s", i, request).hasSize(request.expected().size());
      for (int j = 0; j < inputs.size(); j++) {
        request.expected().get(j).assertMatches(inputs.get(j), "case " + i + ": " + request);
      }
    }
  }

  @Test
  void mutatedJsonRequestsDecodeOrFailAsInvalidInput() {
    Random random = new Random(7);
    for (int i = 0; i < CASES; i++) {
      GeneratedRequest seed = GeneratedRequest.randomJson(random);
      byte[] body = mutate(seed.body(), random);

      decodeOrReject(body, -1, i);
    }
  }

  @Test
  void mutatedBinaryRequestsDecodeOrFailAsInvalidInput() {
    Random random = new Random(11);
    for (int i = 0; i < CASES; i++) {
      GeneratedRequest seed = GeneratedRequest.randomBinary(random);
      byte[] body = mutate(seed.body(), random);
      int headerLength = seed.headerLength() + (random.nextInt(4) == 0 ? random.nextInt(9) - 4 : 0);

      decodeOrReject(body, Math.max(-1, headerLength), i);
    }
  }

  @Test
  void truncatedRequestsDecodeOrFailAsInvalidInput() {
    Random random = new Random(13);
    for (int i = 0; i < CASES / 4; i++) {
      GeneratedRequest seed = GeneratedRequest.random(random);
      byte[] body = seed.body();
      for (int length = 0; length < body.length; length += 1 + body.length / 50) {
        byte[] truncated = Arrays.copyOf(body, length);
        decodeOrReject(truncated, Math.min(seed.headerLength(), length), i);
      }
    }
  }

  private void decodeOrReject(byte[] body, int headerLength, int caseNumber) {
    long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
    try {
      decoder.decode("m", "1", body, headerLength);
    } catch (InvalidInputException expected) {
      assertThat(expected.getMessage()).isNotBlank().doesNotContain("Source:", "StreamRead");
    } catch (Throwable unexpected) {
      fail("case " + caseNumber + " (header length " + headerLength + ") threw " + unexpected
          + " for body: " + printable(body), unexpected);
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
    if (caseNumber < UNMEASURED_CASES) {
      return;
    }
    assertThat(allocated)
        .as("bytes allocated for case %d: %s", caseNumber, printable(body))
        .isLessThan(ALLOCATION_ALLOWANCE + ALLOCATION_PER_BODY_BYTE * body.length);
  }

  private static byte[] mutate(byte[] original, Random random) {
    byte[] body = original;
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      body = mutateOnce(body, random);
    }
    return body;
  }

  private static byte[] mutateOnce(byte[] body, Random random) {
    if (body.length == 0) {
      return TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
    }
    int at = random.nextInt(body.length);
    switch (random.nextInt(6)) {
      case 0 -> {
        byte[] flipped = body.clone();
        flipped[at] = (byte) random.nextInt(256);
        return flipped;
      }
      case 1 -> {
        int end = Math.min(body.length, at + 1 + random.nextInt(10));
        return concat(Arrays.copyOf(body, at), Arrays.copyOfRange(body, end, body.length));
      }
      case 2 -> {
        byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
        return concat(Arrays.copyOf(body, at), token, Arrays.copyOfRange(body, at, body.length));
      }
      case 3 -> {
        int end = Math.min(body.length, at + 1 + random.nextInt(20));
        byte[] range = Arrays.copyOfRange(body, at, end);
        return concat(Arrays.copyOf(body, end), range, Arrays.copyOfRange(body, end, body.length));
      }
      case 4 -> {
        return replaceAnArray(body, at, random);
      }
      default -> {
        return Arrays.copyOf(body, at);
      }
    }
  }

  /** Replaces the innermost array at or after {@code from} (a shape, say) with another one. */
  private static byte[] replaceAnArray(byte[] body, int from, Random random) {
    int start = from;
    while (start < body.length && body[start] != '[') {
      start++;
    }
    int end = start;
    while (end < body.length && body[end] != ']') {
      end++;
    }
    if (end >= body.length) {
      return body;
    }
    byte[] array = ARRAYS[random.nextInt(ARRAYS.length)].getBytes(StandardCharsets.UTF_8);
    return concat(
        Arrays.copyOf(body, start), array, Arrays.copyOfRange(body, end + 1, body.length));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static String printable(byte[] body) {
    StringBuilder s = new StringBuilder();
    for (byte b : body) {
      s.append(b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b));
    }
    return s.toString();
  }

  /** A valid request with the tensors it must decode to. */
  record GeneratedRequest(byte[] body, int headerLength, List<ExpectedTensor> expected) {
    static GeneratedRequest random(Random random) {
      return generate(random, random.nextBoolean());
    }

    static GeneratedRequest randomJson(Random random) {
      return generate(random, false);
    }

    static GeneratedRequest randomBinary(Random random) {
      return generate(random, true);
    }

    private static GeneratedRequest generate(Random random, boolean binary) {
      int count = 1 + random.nextInt(3);
      List<ExpectedTensor> expected = new ArrayList<>();
      List<String> inputs = new ArrayList<>();
      ByteArrayOutputStream binaryData = new ByteArrayOutputStream();
      for (int i = 0; i < count; i++) {
        ExpectedTensor tensor = ExpectedTensor.random("in" + i, random);
        boolean asBinary = binary && random.nextBoolean();
        inputs.add(tensor.json(random, asBinary));
        if (asBinary) {
          binaryData.writeBytes(tensor.binary());
        }
        expected.add(tensor);
      }
      String header = "{\"id\":\"r\",\"inputs\":[" + String.join(",", inputs) + "]}";
      byte[] json = header.getBytes(StandardCharsets.UTF_8);
      if (!binary) {
        return new GeneratedRequest(json, -1, expected);
      }
      return new GeneratedRequest(concat(json, binaryData.toByteArray()), json.length, expected);
    }

    @Override
    public String toString() {
      return printable(body) + " (header length " + headerLength + ")";
    }
  }

  /** One random tensor: its JSON text per element and the bytes it must decode to. */
  record ExpectedTensor(
      String name, DataType type, long[] shape, List<String> jsonValues, byte[] bytes,
      byte[][] strings) {

    static ExpectedTensor random(String name, Random random) {
      DataType type = TYPES[random.nextInt(TYPES.length)];
      long[] shape = new long[random.nextInt(4)];
      int count = 1;
      for (int d = 0; d < shape.length; d++) {
        shape[d] = random.nextInt(4);
        count *= (int) shape[d];
      }
      List<String> json = new ArrayList<>();
      ByteBuffer bytes =
          ByteBuffer.allocate(type.isFixedSize() ? count * type.byteSize() : 0)
              .order(ByteOrder.LITTLE_ENDIAN);
      byte[][] strings = new byte[type.isFixedSize() ? 0 : count][];
      for (int i = 0; i < count; i++) {
        json.add(randomElement(type, random, bytes, strings, i));
      }
      return new ExpectedTensor(name, type, shape, json, bytes.array(), strings);
    }

    private static String randomElement(
        DataType type, Random random, ByteBuffer out, byte[][] strings, int index) {
      switch (type) {
        case BOOL -> {
          boolean value = random.nextBoolean();
          out.put((byte) (value ? 1 : 0));
          return String.valueOf(value);
        }
        case FP16 -> {
          short value = (short) (random.nextInt(0x7c00) | (random.nextBoolean() ? 0x8000 : 0));
          out.putShort(value);
          return Float.toString(Fp16.toFloat(value));
        }
        case FP32 -> {
          float value = Float.intBitsToFloat(random.nextInt());
          while (!Float.isFinite(value)) {
            value = Float.intBitsToFloat(random.nextInt());
          }
          out.putFloat(value);
          return Float.toString(value);
        }
        case FP64 -> {
          double value = random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
          out.putDouble(value);
          return Double.toString(value);
        }
        case BYTES -> {
          String value = randomString(random);
          strings[index] = value.getBytes(StandardCharsets.UTF_8);
          return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
        }
        default -> {
          return randomInteger(type, random, out);
        }
      }
    }

    /**
     * A uniformly random value of an integer type: the top bits of a random long, shifted down
     * with or without the sign, are exactly the type's range.
     */
    private static String randomInteger(DataType type, Random random, ByteBuffer out) {
      int size = type.byteSize();
      int unusedBits = 64 - 8 * size;
      boolean unsigned = type.name().startsWith("UINT");
      long value = unsigned ? random.nextLong() >>> unusedBits : random.nextLong() >> unusedBits;
      for (int b = 0; b < size; b++) {
        out.put((byte) (value >>> (8 * b))); // little-endian
      }
      return unsigned ? Long.toUnsignedString(value) : Long.toString(value);
    }

    private static String randomString(Random random) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(6);
      for (int i = 0; i < length; i++) {
        int kind = random.nextInt(4);
        int codePoint =
            switch (kind) {
              case 0 -> random.nextInt(32); // control characters, escaped in JSON
              case 1 -> 32 + random.nextInt(95);
              case 2 -> 0xa0 + random.nextInt(0xd000);
              default -> 0x1f600 + random.nextInt(80); // outside the BMP
            };
        s.appendCodePoint(codePoint);
      }
      return s.toString();
    }

    String json(Random random, boolean asBinary) {
      List<String> fields = new ArrayList<>();
      fields.add("\"name\":\"" + name + "\"");
      fields.add("\"datatype\":\"" + type + "\"");
      fields.add("\"shape\":" + Arrays.toString(shape));
      if (asBinary) {
        fields.add("\"parameters\":{\"binary_data_size\":" + binary().length + "}");
      } else {
        fields.add("\"data\":" + (random.nextBoolean() ? flat() : nested(0, new int[] {0})));
      }
      Collections.shuffle(fields, random);
      return "{" + String.join(",", fields) + "}";
    }

    private String flat() {
      return "[" + String.join(",", jsonValues) + "]";
    }

    private String nested(int level, int[] next) {
      if (shape.length == 0) {
        return flat();
      }
      StringBuilder s = new StringBuilder("[");
      for (int i = 0; i < shape[level]; i++) {
        if (i > 0) {
          s.append(',');
        }
        s.append(level == shape.length - 1 ? jsonValues.get(next[0]++) : nested(level + 1, next));
      }
      return s.append(']').toString();
    }

    byte[] binary() {
      if (type.isFixedSize()) {
        return bytes;
      }
      ByteBuffer out =
          ByteBuffer.allocate((int) BinaryTensorData.stringsSize(strings))
              .order(ByteOrder.LITTLE_ENDIAN);
      for (byte[] s : strings) {
        out.putInt(s.length).put(s);
      }
      return out.array();
    }

    void assertMatches(Tensor actual, String description) {
      assertThat(actual.name()).as(description).isEqualTo(name);
      assertThat(actual.datatype()).as(description).isEqualTo(type);
      assertThat(actual.shape().dims()).as(description).isEqualTo(shape);
      if (type.isFixedSize()) {
        ByteBuffer data = actual.data();
        byte[] actualBytes = new byte[data.remaining()];
        data.get(actualBytes);
        assertThat(actualBytes).as(description).isEqualTo(bytes);
      } else {
        assertThat(actual.strings()).as(description).isDeepEqualTo(strings);
      }
    }
  }
}
