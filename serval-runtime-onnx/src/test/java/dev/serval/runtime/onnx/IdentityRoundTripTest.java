package dev.serval.runtime.onnx;

import static dev.serval.runtime.onnx.TestTensors.bytes;
import static dev.serval.runtime.onnx.TestTensors.writeModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.RuntimeOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IdentityRoundTripTest {
  private static final OnnxBackend BACKEND = new OnnxBackend();

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(value = DataType.class, mode = EnumSource.Mode.EXCLUDE, names = "BYTES")
  void returnsFixedSizeValuesUnchangedForEveryBatchSize(DataType type) {
    try (LoadedModel model = load(SampleModels.identity(type, -1, 3))) {
      for (int batch : new int[] {1, 4, 0}) {
        Tensor x = Tensor.of("x", type, Shape.of(batch, 3), edgeValues(type, batch * 3));

        Tensor y = model.run(List.of(x), Set.of()).get(0);

        assertThat(y.name()).isEqualTo("y");
        assertThat(y.datatype()).isEqualTo(type);
        assertThat(y.shape()).isEqualTo(Shape.of(batch, 3));
        assertThat(bytes(y)).isEqualTo(bytes(x));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, mode = EnumSource.Mode.EXCLUDE, names = "BYTES")
  void acceptsInputsInDirectBuffers(DataType type) {
    try (LoadedModel model = load(SampleModels.identity(type, 2, -1))) {
      ByteBuffer heap = edgeValues(type, 10);
      ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining()).put(heap.duplicate()).flip();
      Tensor x = Tensor.of("x", type, Shape.of(2, 5), direct);

      Tensor y = model.run(List.of(x), Set.of()).get(0);

      assertThat(bytes(y)).isEqualTo(bytes(x));
    }
  }

  @Test
  void keepsUnsignedMaximaNegativeIntegersAndHalfFloatBitPatterns() {
    assertThat(roundTrip(DataType.UINT64, longs(-1L, Long.MIN_VALUE, 0x0123456789ABCDEFL)))
        .isEqualTo(longs(-1L, Long.MIN_VALUE, 0x0123456789ABCDEFL));
    assertThat(roundTrip(DataType.UINT32, ints(0xFFFFFFFF, 0x80000000, 7)))
        .isEqualTo(ints(0xFFFFFFFF, 0x80000000, 7));
    assertThat(roundTrip(DataType.INT64, longs(-1L, Long.MIN_VALUE, -42L)))
        .isEqualTo(longs(-1L, Long.MIN_VALUE, -42L));
    // 1.0, -2.0, largest normal, smallest subnormal, -0.0, +infinity, a NaN
    short[] halves = {0x3C00, (short) 0xC000, 0x7BFF, 0x0001, (short) 0x8000, 0x7C00, 0x7E01};
    assertThat(roundTrip(DataType.FP16, shorts(halves))).isEqualTo(shorts(halves));
  }

  @Test
  void returnsStringsAsTheSameUtf8Bytes() {
    byte[][] strings = utf8("", "plain", "héllo wörld", "日本語", "∑ ≠ €", "tab\tnew\nline");
    try (LoadedModel model = load(SampleModels.identity(DataType.BYTES, -1, 2))) {
      Tensor x = Tensor.ofStrings("x", Shape.of(3, 2), strings);

      Tensor y = model.run(List.of(x), Set.of()).get(0);

      assertThat(y.datatype()).isEqualTo(DataType.BYTES);
      assertThat(y.shape()).isEqualTo(Shape.of(3, 2));
      assertThat(y.strings()).isDeepEqualTo(strings);
    }
  }

  @Test
  void checkInputRejectsTheStringsRunWouldRejectWithTheSameMessage() {
    try (LoadedModel model = load(SampleModels.identity(DataType.BYTES, -1))) {
      byte[][] emoji = utf8("ok", "smile 😀");
      byte[][] notUtf8 = {{'o', 'k'}, {(byte) 0xC3, (byte) 0x28}};
      byte[][] nul = utf8("ok", "a\u0000b");

      assertBothReject(model, emoji, "element 1 of input 'x' contains a character above U+FFFF");
      assertBothReject(model, notUtf8, "element 1 of input 'x' is not valid UTF-8");
      assertBothReject(model, nul, "element 1 of input 'x' contains a NUL character");
      model.checkInput(Tensor.ofStrings("x", Shape.of(2), utf8("ok", "héllo ∑")));
    }
  }

  @Test
  void returnsScalarAndHigherRankStrings() {
    try (LoadedModel scalar = load(SampleModels.identity(DataType.BYTES));
        LoadedModel cube = load(SampleModels.identity(DataType.BYTES, -1, 2, 2))) {
      byte[][] one = utf8("ünï");
      byte[][] eight = utf8("a", "b", "c", "d", "e", "f", "g", "h");

      assertThat(scalar.run(List.of(Tensor.ofStrings("x", Shape.of(), one)), Set.of())
          .get(0).strings()).isDeepEqualTo(one);
      assertThat(cube.run(List.of(Tensor.ofStrings("x", Shape.of(2, 2, 2), eight)), Set.of())
          .get(0).strings()).isDeepEqualTo(eight);
    }
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"UINT8", "UINT16", "UINT32", "UINT64", "INT8",
      "INT16", "INT32", "INT64", "FP32", "FP64"})
  void addsTwoInputs(DataType type) {
    try (LoadedModel model = load(SampleModels.add(type, -1))) {
      Tensor a = Tensor.of("a", type, Shape.of(2), littleEndian(type, 2, 40));
      Tensor b = Tensor.of("b", type, Shape.of(2), littleEndian(type, 3, 2));

      Tensor sum = model.run(List.of(b, a), Set.of()).get(0);

      assertThat(sum.name()).isEqualTo("sum");
      assertThat(bytes(sum)).isEqualTo(bytes(Tensor.of("s", type, Shape.of(2),
          littleEndian(type, 5, 42))));
    }
  }

  /** Both checkInput and run reject the elements, naming the element but not the file. */
  private void assertBothReject(LoadedModel model, byte[][] elements, String message) {
    Tensor x = Tensor.ofStrings("x", Shape.of(elements.length), elements);

    assertThatThrownBy(() -> model.checkInput(x))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(message)
        .hasMessageNotContaining(dir.toString());
    assertThatThrownBy(() -> model.run(List.of(x), Set.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(message)
        .hasMessageNotContaining(dir.toString());
  }

  private LoadedModel load(byte[] model) {
    return BACKEND.load(writeModel(dir, model), RuntimeOptions.defaults());
  }

  private byte[] roundTrip(DataType type, byte[] data) {
    try (LoadedModel model = load(SampleModels.identity(type, -1))) {
      int count = data.length / type.byteSize();
      Tensor x = Tensor.of("x", type, Shape.of(count), ByteBuffer.wrap(data));
      return bytes(model.run(List.of(x), Set.of()).get(0));
    }
  }

  /**
   * Little-endian elements that include zero, one, all bits set (unsigned maximum, -1, a NaN),
   * the signed minimum and maximum, then random bits; BOOL gets 0 and 1 only.
   */
  private static ByteBuffer edgeValues(DataType type, int count) {
    int width = type.byteSize();
    long signBit = 1L << (width * 8 - 1);
    long[] edges = {0, 1, -1, signBit, signBit - 1};
    SplittableRandom random = new SplittableRandom(count * 31L + width);
    ByteBuffer data = ByteBuffer.allocate(count * width).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      long value = i < edges.length ? edges[i] : random.nextLong();
      putLow(data, type == DataType.BOOL ? value & 1 : value, width);
    }
    return data.flip();
  }

  /** Two elements of a numeric type, from small non-negative longs and doubles alike. */
  private static ByteBuffer littleEndian(DataType type, long first, long second) {
    ByteBuffer data = ByteBuffer.allocate(2 * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (long value : new long[] {first, second}) {
      switch (type) {
        case FP32:
          data.putFloat(value);
          break;
        case FP64:
          data.putDouble(value);
          break;
        default:
          putLow(data, value, type.byteSize());
      }
    }
    return data.flip();
  }

  private static void putLow(ByteBuffer data, long value, int width) {
    for (int b = 0; b < width; b++) {
      data.put((byte) (value >>> (8 * b)));
    }
  }

  private static byte[] longs(long... values) {
    ByteBuffer data = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    data.asLongBuffer().put(values);
    return data.array();
  }

  private static byte[] ints(int... values) {
    ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    data.asIntBuffer().put(values);
    return data.array();
  }

  private static byte[] shorts(short... values) {
    ByteBuffer data = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    data.asShortBuffer().put(values);
    return data.array();
  }

  private static byte[][] utf8(String... strings) {
    byte[][] bytes = new byte[strings.length][];
    for (int i = 0; i < strings.length; i++) {
      bytes[i] = strings[i].getBytes(StandardCharsets.UTF_8);
    }
    return bytes;
  }
}
