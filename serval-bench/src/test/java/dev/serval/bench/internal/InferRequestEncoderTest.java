package dev.serval.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.bench.Encoding;
import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferRequestEncoderTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<TensorSpec> MLP_INPUT =
      List.of(new TensorSpec("input", DataType.FP32, Shape.ofSignature(-1, 4)));

  @Test
  void jsonRequestCarriesEveryElementAsAFlatArray() throws IOException {
    List<Tensor> inputs = SyntheticInputs.create(MLP_INPUT, 2, 1);

    Request request = Request.parse(InferRequestEncoder.httpRequest("127.0.0.1:8000",
        "/v2/models/mlp/infer", inputs, Encoding.JSON));

    assertThat(request.head).startsWith("POST /v2/models/mlp/infer HTTP/1.1\r\n")
        .contains("Host: 127.0.0.1:8000\r\n", "Content-Type: application/json\r\n")
        .doesNotContain("Inference-Header-Content-Length");
    JsonNode input = MAPPER.readTree(request.body).get("inputs").get(0);
    assertThat(input.get("name").asText()).isEqualTo("input");
    assertThat(input.get("datatype").asText()).isEqualTo("FP32");
    assertThat(input.get("shape").toString()).isEqualTo("[2,4]");
    float[] expected = floats(inputs.get(0).data());
    assertThat(input.get("data")).hasSize(8);
    for (int i = 0; i < expected.length; i++) {
      assertThat(input.get("data").get(i).floatValue()).isEqualTo(expected[i]);
    }
  }

  @Test
  void binaryRequestHasJsonHeaderThenRawLittleEndianBytes() throws IOException {
    List<Tensor> inputs = SyntheticInputs.create(MLP_INPUT, 3, 1);

    Request request = Request.parse(InferRequestEncoder.httpRequest("localhost:1",
        "/v2/models/mlp/infer", inputs, Encoding.BINARY));

    int headerLength = Integer.parseInt(
        request.header("Inference-Header-Content-Length"));
    assertThat(request.header("Content-Type")).isEqualTo("application/octet-stream");
    JsonNode header = MAPPER.readTree(Arrays.copyOf(request.body, headerLength));
    JsonNode input = header.get("inputs").get(0);
    assertThat(input.get("shape").toString()).isEqualTo("[3,4]");
    assertThat(input.has("data")).isFalse();
    assertThat(input.get("parameters").get("binary_data_size").asLong()).isEqualTo(48);
    assertThat(header.get("parameters").get("binary_data_output").asBoolean()).isTrue();
    byte[] raw = Arrays.copyOfRange(request.body, headerLength, request.body.length);
    assertThat(ByteBuffer.wrap(raw)).isEqualTo(inputs.get(0).data());
  }

  @Test
  void contentLengthCountsTheWholeBody() {
    for (Encoding encoding : List.of(Encoding.JSON, Encoding.BINARY)) {
      Request request = Request.parse(InferRequestEncoder.httpRequest("h:1", "/p",
          SyntheticInputs.create(MLP_INPUT, 5, 2), encoding));

      assertThat(Integer.parseInt(request.header("Content-Length")))
          .isEqualTo(request.body.length);
    }
  }

  @Test
  void refusesToWriteGrpcAsHttp() {
    assertThatThrownBy(() -> InferRequestEncoder.httpRequest("h:1", "/p",
        SyntheticInputs.create(MLP_INPUT, 1, 2), Encoding.GRPC))
        .hasMessage("encoding must be a REST one but was GRPC");
  }

  @Test
  void jsonWritesEachDatatypeAsItsNumbersOrBooleans() throws IOException {
    List<Tensor> inputs = List.of(
        tensor("u32", DataType.UINT32, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(0, 0xFFFF_FFFF)),
        tensor("u64", DataType.UINT64, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
            .putLong(0, -1L)),
        tensor("i16", DataType.INT16, ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN)
            .putShort(0, (short) -7)),
        tensor("b", DataType.BOOL, ByteBuffer.wrap(new byte[] {1})),
        tensor("h", DataType.FP16, ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN)
            .putShort(0, (short) 0xC100)));

    JsonNode json = MAPPER.readTree(InferRequestEncoder.jsonBody(inputs)).get("inputs");

    assertThat(json.get(0).get("data").get(0).asText()).isEqualTo("4294967295");
    assertThat(json.get(1).get("data").get(0).asText()).isEqualTo("18446744073709551615");
    assertThat(json.get(2).get("data").get(0).asInt()).isEqualTo(-7);
    assertThat(json.get(3).get("data").get(0).isBoolean()).isTrue();
    assertThat(json.get(4).get("data").get(0).floatValue()).isEqualTo(-2.5f);
  }

  @Test
  void halfPrecisionDecodesNormalSubnormalAndInfiniteValues() {
    assertThat(TensorJson.halfToFloat((short) 0x3C00)).isEqualTo(1f);
    assertThat(TensorJson.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    assertThat(TensorJson.halfToFloat((short) 0x7BFF)).isEqualTo(65504f);
    assertThat(TensorJson.halfToFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(TensorJson.halfToFloat((short) 0x7E00)).isNaN();
  }

  private static Tensor tensor(String name, DataType type, ByteBuffer data) {
    return Tensor.of(name, type, Shape.of(1), data);
  }

  private static float[] floats(ByteBuffer data) {
    float[] values = new float[data.remaining() / 4];
    data.asFloatBuffer().get(values);
    return values;
  }

  /** A request split at the blank line. */
  private static final class Request {
    final String head;
    final byte[] body;

    private Request(String head, byte[] body) {
      this.head = head;
      this.body = body;
    }

    static Request parse(byte[] bytes) {
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      int split = text.indexOf("\r\n\r\n") + 4;
      return new Request(text.substring(0, split), Arrays.copyOfRange(bytes, split,
          bytes.length));
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        if (line.startsWith(name + ": ")) {
          return line.substring(name.length() + 2);
        }
      }
      throw new AssertionError("no header " + name + " in " + head);
    }
  }
}
