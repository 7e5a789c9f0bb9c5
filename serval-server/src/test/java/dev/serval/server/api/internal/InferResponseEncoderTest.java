package dev.serval.server.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.serving.InferenceResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InferResponseEncoderTest {
  private final InferResponseEncoder encoder = new InferResponseEncoder(Json.FACTORY);

  @Test
  void writesEveryDatatypeAsJsonNumbersBooleansAndStrings() {
    InferenceResult result =
        new InferenceResult(
            "m",
            "3",
            "req-7",
            List.of(
                fixed("bool", DataType.BOOL, b -> b.put((byte) 1).put((byte) 0), 2),
                fixed("u8", DataType.UINT8, b -> b.put((byte) 255), 1),
                fixed("i8", DataType.INT8, b -> b.put((byte) -128), 1),
                fixed("u16", DataType.UINT16, b -> b.putShort((short) -1), 1),
                fixed("i16", DataType.INT16, b -> b.putShort(Short.MIN_VALUE), 1),
                fixed("u32", DataType.UINT32, b -> b.putInt(-1), 1),
                fixed("i32", DataType.INT32, b -> b.putInt(Integer.MIN_VALUE), 1),
                fixed("u64", DataType.UINT64, b -> b.putLong(-1L), 1),
                fixed("i64", DataType.INT64, b -> b.putLong(Long.MIN_VALUE), 1),
                fixed("f16", DataType.FP16, b -> b.putShort((short) 0x3e00), 1),
                fixed("f32", DataType.FP32, b -> b.putFloat(0.1f).putFloat(-2.5f), 2),
                fixed("f64", DataType.FP64, b -> b.putDouble(0.1), 1),
                Tensor.ofStrings("s", Shape.of(1), new byte[][] {utf8("ü\"")})));

    String json = encodeToString(result, OutputEncoding.JSON);

    assertThat(json)
        .isEqualTo(
            "{\"model_name\":\"m\",\"model_version\":\"3\",\"id\":\"req-7\",\"outputs\":["
                + "{\"name\":\"bool\",\"datatype\":\"BOOL\",\"shape\":[2],\"data\":[true,false]},"
                + "{\"name\":\"u8\",\"datatype\":\"UINT8\",\"shape\":[1],\"data\":[255]},"
                + "{\"name\":\"i8\",\"datatype\":\"INT8\",\"shape\":[1],\"data\":[-128]},"
                + "{\"name\":\"u16\",\"datatype\":\"UINT16\",\"shape\":[1],\"data\":[65535]},"
                + "{\"name\":\"i16\",\"datatype\":\"INT16\",\"shape\":[1],\"data\":[-32768]},"
                + "{\"name\":\"u32\",\"datatype\":\"UINT32\",\"shape\":[1],\"data\":[4294967295]},"
                + "{\"name\":\"i32\",\"datatype\":\"INT32\",\"shape\":[1],\"data\":[-2147483648]},"
                + "{\"name\":\"u64\",\"datatype\":\"UINT64\",\"shape\":[1],"
                + "\"data\":[18446744073709551615]},"
                + "{\"name\":\"i64\",\"datatype\":\"INT64\",\"shape\":[1],"
                + "\"data\":[-9223372036854775808]},"
                + "{\"name\":\"f16\",\"datatype\":\"FP16\",\"shape\":[1],\"data\":[1.5]},"
                + "{\"name\":\"f32\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[0.1,-2.5]},"
                + "{\"name\":\"f64\",\"datatype\":\"FP64\",\"shape\":[1],\"data\":[0.1]},"
                + "{\"name\":\"s\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"ü\\\"\"]}"
                + "]}");
  }

  @Test
  void omitsIdAndVersionWhenAbsent() {
    InferenceResult result = new InferenceResult("m", null, null, List.of());

    assertThat(encodeToString(result, OutputEncoding.JSON))
        .isEqualTo("{\"model_name\":\"m\",\"outputs\":[]}");
  }

  @Test
  void appendsBinaryOutputsAfterTheJsonHeaderInOutputOrder() {
    Tensor probabilities = fixed("p", DataType.FP32, b -> b.putFloat(0.25f).putFloat(0.75f), 2);
    Tensor labels = Tensor.ofStrings("labels", Shape.of(2), new byte[][] {utf8("a"), utf8("bc")});
    Tensor logits = fixed("logits", DataType.FP32, b -> b.putFloat(1f), 1);
    InferenceResult result =
        new InferenceResult("m", "1", null, List.of(probabilities, labels, logits));
    OutputEncoding encoding = new OutputEncoding(true, Map.of("logits", false));

    ByteBuf out = Unpooled.buffer();
    int headerLength = encoder.encode(result, encoding, out);

    byte[] body = new byte[out.readableBytes()];
    out.readBytes(body);
    String header = new String(body, 0, headerLength, StandardCharsets.UTF_8);
    assertThat(header)
        .isEqualTo(
            "{\"model_name\":\"m\",\"model_version\":\"1\",\"outputs\":["
                + "{\"name\":\"p\",\"datatype\":\"FP32\",\"shape\":[2],"
                + "\"parameters\":{\"binary_data_size\":8}},"
                + "{\"name\":\"labels\",\"datatype\":\"BYTES\",\"shape\":[2],"
                + "\"parameters\":{\"binary_data_size\":11}},"
                + "{\"name\":\"logits\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1.0]}]}");
    byte[] binary = Arrays.copyOfRange(body, headerLength, body.length);
    ByteBuffer expected = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
    expected.putFloat(0.25f).putFloat(0.75f).putInt(1).put(utf8("a")).putInt(2).put(utf8("bc"));
    assertThat(binary).isEqualTo(expected.array());
  }

  @Test
  void reportsNoHeaderLengthWhenEveryOutputIsJson() {
    InferenceResult result =
        new InferenceResult("m", "1", null, List.of(fixed("y", DataType.INT8, b -> b.put((byte) 1), 1)));

    assertThat(encoder.encode(result, OutputEncoding.JSON, Unpooled.buffer())).isEqualTo(-1);
  }

  @Test
  void matchesTheGoldenInferResponse() {
    InferenceResult result =
        new InferenceResult(
            "mlp",
            "1",
            "42",
            List.of(
                Tensor.of(
                    "probabilities",
                    DataType.FP32,
                    Shape.of(2, 3),
                    floats(0.1f, 0.2f, 0.7f, 1f, 0f, 0f))));

    assertThat(encodeToString(result, OutputEncoding.JSON))
        .satisfies(json -> Golden.assertMatches("infer-response.json", json));
  }

  private String encodeToString(InferenceResult result, OutputEncoding encoding) {
    ByteBuf out = Unpooled.buffer();
    encoder.encode(result, encoding, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static Tensor fixed(
      String name, DataType type, java.util.function.Consumer<ByteBuffer> values, int count) {
    ByteBuffer buffer = ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    values.accept(buffer);
    buffer.flip();
    return Tensor.of(name, type, Shape.of(count), buffer);
  }

  private static ByteBuffer floats(float... values) {
    return ByteBuffer.wrap(InferRequestDecoderTest.littleEndianFloats(values));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
