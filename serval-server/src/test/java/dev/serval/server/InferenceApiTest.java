package dev.serval.server;

import static dev.serval.server.TestServer.error;
import static dev.serval.server.TestServer.inferRequest;
import static dev.serval.server.TestServer.json;
import static dev.serval.server.TestServer.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.stream.StreamMessage;
import dev.serval.core.DataType;
import dev.serval.runtime.onnx.SampleModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code POST .../infer} against a real server with real ONNX models. */
class InferenceApiTest {
  private static final long MAX_REQUEST_BYTES = 4 << 20;
  /** Two probabilities rows of the sample MLP: 8 features in, 3 classes out. */
  private static final String MLP_ROWS =
      "[[0.5, -1, 2, 0, 0.25, 1, -0.5, 3], [1, 1, 1, 1, 1, 1, 1, 1]]";

  /**
   * Values at the edges of each datatype's range, for shape [2, 2]. (No characters above U+FFFF
   * in BYTES: ONNX Runtime's Java API cannot pass them to a model, and says so with a 400.)
   */
  private static final Map<DataType, String> EDGE_VALUES =
      Map.ofEntries(
          Map.entry(DataType.BOOL, "[true, false, false, true]"),
          Map.entry(DataType.UINT8, "[0, 1, 254, 255]"),
          Map.entry(DataType.INT8, "[-128, -1, 0, 127]"),
          Map.entry(DataType.UINT16, "[0, 1, 65534, 65535]"),
          Map.entry(DataType.INT16, "[-32768, -1, 0, 32767]"),
          Map.entry(DataType.UINT32, "[0, 1, 4294967294, 4294967295]"),
          Map.entry(DataType.INT32, "[-2147483648, -1, 0, 2147483647]"),
          Map.entry(DataType.UINT64, "[0, 1, 9223372036854775808, 18446744073709551615]"),
          Map.entry(DataType.INT64, "[-9223372036854775808, -1, 0, 9223372036854775807]"),
          Map.entry(DataType.FP16, "[1.5, -0.25, 65504.0, 0.0]"),
          Map.entry(DataType.FP32, "[0.1, -3.5, 3.4028235E38, 1.4E-45]"),
          Map.entry(DataType.FP64, "[0.1, -1.0E300, 4.9E-324, 2.5]"),
          Map.entry(DataType.BYTES, "[\"héllo\", \"\", \"ü\\\"x\", \"€ 日本\"]"));

  @TempDir static Path repository;
  private static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    TestServer.writeModel(repository, "mlp", 1, SampleModels.mlp(8, new int[] {16}, 3, 1));
    TestServer.writeModel(repository, "mlp", 2, SampleModels.mlp(8, new int[] {16}, 3, 2));
    TestServer.writeConfig(repository, "mlp", "{\"version_policy\": {\"all\": {}}}");
    for (DataType type : DataType.values()) {
      TestServer.writeModel(repository, identity(type), 1, SampleModels.identity(type, -1, 2));
    }
    TestServer.writeModel(repository, "add", 1, SampleModels.add(DataType.INT32, -1, 2));
    TestServer.writeModel(repository, "fixed", 1, SampleModels.identity(DataType.FP32, 1, 2));
    TestServer.writeModel(repository, "wide", 1, SampleModels.identity(DataType.FP32, -1, -1));
    Files.createDirectories(repository.resolve("broken/1"));
    Files.writeString(repository.resolve("broken/1/model.onnx"), "not an ONNX model");
    // A request waits here for 2 s for others to join its batch, and only one may wait.
    TestServer.writeModel(repository, "slow", 1, SampleModels.identity(DataType.FP32, -1, 2));
    TestServer.writeConfig(
        repository,
        "slow",
        "{\"max_batch_size\": 8, \"dynamic_batching\": "
            + "{\"max_queue_delay_microseconds\": 2000000, \"max_queue_size\": 1}}");
    server = TestServer.start(repository, b -> b.maxRequestBytes(MAX_REQUEST_BYTES));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void answersWithTheOutputsOfTheNewestVersionAndEchoesTheId() {
    AggregatedHttpResponse response =
        server.post("/v2/models/mlp/infer", mlpRequest("\"id\": \"abc-1\","));

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    JsonNode body = json(response);
    assertThat(body.get("model_name").asText()).isEqualTo("mlp");
    assertThat(body.get("model_version").asText()).isEqualTo("2");
    assertThat(body.get("id").asText()).isEqualTo("abc-1");
    assertThat(names(body.get("outputs"))).containsExactly("logits", "probabilities");
    JsonNode probabilities = body.get("outputs").get(1);
    assertThat(probabilities.get("datatype").asText()).isEqualTo("FP32");
    assertThat(probabilities.get("shape").toString()).isEqualTo("[2,3]");
    double rowSum = 0;
    for (int i = 0; i < 3; i++) {
      rowSum += probabilities.get("data").get(i).asDouble();
    }
    assertThat(rowSum).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void servesTheVersionNamedInThePath() {
    JsonNode v1 = json(server.post("/v2/models/mlp/versions/1/infer", mlpRequest("")));
    JsonNode v2 = json(server.post("/v2/models/mlp/versions/2/infer", mlpRequest("")));

    assertThat(v1.get("model_version").asText()).isEqualTo("1");
    assertThat(v2.get("model_version").asText()).isEqualTo("2");
    assertThat(v1.get("outputs")).isNotEqualTo(v2.get("outputs"));
  }

  @Test
  void returnsOnlyTheRequestedOutputs() {
    JsonNode body =
        json(server.post("/v2/models/mlp/infer",
            mlpRequest("\"outputs\": [{\"name\": \"probabilities\"}],")));

    assertThat(names(body.get("outputs"))).containsExactly("probabilities");
  }

  @Test
  void givesTheSameAnswerForFlatAndNestedData() {
    String flat =
        MLP_ROWS.replace("[[", "[").replace("]]", "]").replace("], [", ", ");
    String flatRequest = inferRequest("input", "FP32", "[2, 8]", flat);

    JsonNode nested = json(server.post("/v2/models/mlp/infer", mlpRequest("")));
    JsonNode flattened = json(server.post("/v2/models/mlp/infer", flatRequest));

    assertThat(flattened.get("outputs")).isEqualTo(nested.get("outputs"));
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void roundTripsEveryDatatypeThroughJson(DataType type) {
    String values = EDGE_VALUES.get(type);
    String request = inferRequest("x", type, "[2, 2]", values);

    AggregatedHttpResponse response =
        server.post("/v2/models/" + identity(type) + "/infer", request);

    assertThat(response.status()).as(response.contentUtf8()).isEqualTo(HttpStatus.OK);
    JsonNode y = json(response).get("outputs").get(0);
    assertThat(y.get("name").asText()).isEqualTo("y");
    assertThat(y.get("datatype").asText()).isEqualTo(type.name());
    assertThat(y.get("shape").toString()).isEqualTo("[2,2]");
    assertThat(y.get("data")).isEqualTo(json(values));
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void roundTripsEveryDatatypeThroughBinaryData(DataType type) {
    byte[] tensor = binaryTensor(type, 6, new Random(type.ordinal()));
    String header =
        "{\"parameters\": {\"binary_data_output\": true}, \"inputs\": [{\"name\": \"x\", "
            + "\"datatype\": \"" + type + "\", \"shape\": [3, 2], "
            + "\"parameters\": {\"binary_data_size\": " + tensor.length + "}}]}";

    AggregatedHttpResponse response =
        server.postBinary("/v2/models/" + identity(type) + "/infer", header, tensor);

    assertThat(response.status()).as(response.contentUtf8()).isEqualTo(HttpStatus.OK);
    assertThat(response.contentType()).isEqualTo(MediaType.OCTET_STREAM);
    int headerLength = response.headers().getInt("inference-header-content-length");
    byte[] body = response.content().array();
    JsonNode y =
        json(new String(body, 0, headerLength, StandardCharsets.UTF_8)).get("outputs").get(0);
    assertThat(y.get("shape").toString()).isEqualTo("[3,2]");
    assertThat(y.get("parameters").get("binary_data_size").asInt()).isEqualTo(tensor.length);
    assertThat(y.has("data")).isFalse();
    assertThat(Arrays.copyOfRange(body, headerLength, body.length)).isEqualTo(tensor);
  }

  @Test
  void mixesJsonAndBinaryInputsAndOutputs() {
    byte[] a = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(40).putInt(-7).array();
    String header =
        "{\"inputs\": ["
            + "{\"name\": \"a\", \"datatype\": \"INT32\", \"shape\": [1, 2], "
            + "\"parameters\": {\"binary_data_size\": 8}},"
            + "{\"name\": \"b\", \"datatype\": \"INT32\", \"shape\": [1, 2], \"data\": [2, 7]}],"
            + "\"outputs\": [{\"name\": \"sum\", \"parameters\": {\"binary_data\": false}}]}";

    AggregatedHttpResponse response = server.postBinary("/v2/models/add/infer", header, a);

    assertThat(response.status()).as(response.contentUtf8()).isEqualTo(HttpStatus.OK);
    assertThat(response.headers().contains("inference-header-content-length")).isFalse();
    assertThat(json(response).get("outputs").get(0).get("data").toString()).isEqualTo("[42,0]");
  }

  @Test
  void servesAModelWithAFixedFirstDimensionUnbatched() {
    String request = inferRequest("x", "FP32", "[1, 2]", "[1.5, 2.5]");

    AggregatedHttpResponse response = server.post("/v2/models/fixed/infer", request);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(json(response).get("outputs").get(0).get("data").toString())
        .isEqualTo("[1.5,2.5]");
  }

  @Test
  void answersAJsonRequestLargeEnoughToBeDecodedOffTheEventLoop() {
    int count = 300_000; // about 2 MB of JSON
    StringBuilder data = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      data.append(i % 1000).append(i + 1 < count ? "," : "]");
    }
    String request =
        inferRequest(
            "\"parameters\": {\"binary_data_output\": true}, ",
            "x",
            "FP32",
            "[1, " + count + "]",
            data.toString());

    AggregatedHttpResponse response = server.post("/v2/models/wide/infer", request);

    assertThat(response.status()).as(response.contentUtf8()).isEqualTo(HttpStatus.OK);
    int headerLength = response.headers().getInt("inference-header-content-length");
    ByteBuffer y =
        ByteBuffer.wrap(response.content().array(), headerLength, count * 4)
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN);
    assertThat(y.getFloat(4 * 999)).isEqualTo(999f);
    assertThat(y.getFloat(4 * (count - 1))).isEqualTo((count - 1) % 1000);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown model      | /v2/models/nope/infer              | 404 | "
            + "{'inputs': [{'name': 'input', 'datatype': 'FP32', 'shape': [1, 8], 'data': [1,2,3,4,5,6,7,8]}]}",
        "unknown version    | /v2/models/mlp/versions/9/infer    | 404 | "
            + "{'inputs': [{'name': 'input', 'datatype': 'FP32', 'shape': [1, 8], 'data': [1,2,3,4,5,6,7,8]}]}",
        "wrong input name   | /v2/models/mlp/infer               | 400 | "
            + "{'inputs': [{'name': 'features', 'datatype': 'FP32', 'shape': [1, 8], 'data': [1,2,3,4,5,6,7,8]}]}",
        "wrong datatype     | /v2/models/mlp/infer               | 400 | "
            + "{'inputs': [{'name': 'input', 'datatype': 'FP64', 'shape': [1, 8], 'data': [1,2,3,4,5,6,7,8]}]}",
        "wrong shape        | /v2/models/mlp/infer               | 400 | "
            + "{'inputs': [{'name': 'input', 'datatype': 'FP32', 'shape': [2, 4], 'data': [1,2,3,4,5,6,7,8]}]}",
        "data count         | /v2/models/mlp/infer               | 400 | "
            + "{'inputs': [{'name': 'input', 'datatype': 'FP32', 'shape': [1, 8], 'data': [1,2,3,4,5,6,7]}]}",
        "non-numeric data   | /v2/models/mlp/infer               | 400 | "
            + "{'inputs': [{'name': 'input', 'datatype': 'FP32', 'shape': [1, 8], 'data': [1,2,3,'four',5,6,7,8]}]}",
        "negative shape     | /v2/models/mlp/infer               | 400 | "
            + "{'inputs': [{'name': 'input', 'datatype': 'FP32', 'shape': [-1, 8], 'data': [1,2,3,4,5,6,7,8]}]}",
        "overflowing shape  | /v2/models/mlp/infer               | 400 | "
            + "{'inputs': [{'name': 'input', 'datatype': 'FP32', 'shape': [9223372036854775807, 8], 'data': [1]}]}",
        "missing input      | /v2/models/add/infer               | 400 | "
            + "{'inputs': [{'name': 'a', 'datatype': 'INT32', 'shape': [1, 2], 'data': [1, 2]}]}",
        "unknown output     | /v2/models/mlp/infer               | 400 | "
            + "{'inputs': [{'name': 'input', 'datatype': 'FP32', 'shape': [1, 8], 'data': [1,2,3,4,5,6,7,8]}], 'outputs': [{'name': 'nope'}]}",
        "malformed JSON     | /v2/models/mlp/infer               | 400 | {'inputs': [",
        "model not ready    | /v2/models/broken/infer            | 503 | "
            + "{'inputs': [{'name': 'x', 'datatype': 'FP32', 'shape': [1], 'data': [1]}]}",
      })
  void answersBadRequestsWithTheRightStatusAndAnErrorMessage(
      String problem, String path, int status, String request) {
    AggregatedHttpResponse response = server.post(path, request.replace('\'', '"'));

    assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(status);
    assertThat(response.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    assertThat(error(response)).isNotBlank();
  }

  @Test
  void namesWhatWasWrongInTheErrorMessage() {
    String request = inferRequest("input", "FP32", "[1, 8]", "[1, 2, \"three\", 4, 5, 6, 7, 8]");

    AggregatedHttpResponse response = server.post("/v2/models/mlp/infer", request);

    assertThat(error(response))
        .isEqualTo("input 'input': element 2 of data is \"three\" but FP32 needs a number");
  }

  @Test
  void refusesABodyOverTheLimitWith413() {
    String request =
        inferRequest(
            "input", "FP32", "[1, 8]", "[" + "0,".repeat((int) MAX_REQUEST_BYTES / 2) + "0]");

    AggregatedHttpResponse response = server.post("/v2/models/mlp/infer", request);

    assertThat(response.status()).isEqualTo(HttpStatus.REQUEST_ENTITY_TOO_LARGE);
    assertThat(error(response))
        .isEqualTo("request body is larger than the limit of " + MAX_REQUEST_BYTES + " bytes");
  }

  @Test
  void refusesAStreamedBodyOverTheLimitWith413() {
    // No content-length: the limit is found while the body streams in.
    HttpData chunk = HttpData.ofUtf8("0,".repeat(64 * 1024));
    HttpData[] chunks = new HttpData[(int) (MAX_REQUEST_BYTES / chunk.length()) + 2];
    Arrays.fill(chunks, chunk);
    HttpRequest request =
        HttpRequest.of(
            RequestHeaders.of(HttpMethod.POST, "/v2/models/mlp/infer"), StreamMessage.of(chunks));

    AggregatedHttpResponse response = server.client.execute(request).aggregate().join();

    assertThat(response.status()).isEqualTo(HttpStatus.REQUEST_ENTITY_TOO_LARGE);
    assertThat(error(response)).startsWith("request body is larger");
  }

  @Test
  void checksBinaryDataSizesExactly() {
    String header =
        "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, 8], "
            + "\"parameters\": {\"binary_data_size\": 32}}]}";

    AggregatedHttpResponse shortBody =
        server.postBinary("/v2/models/mlp/infer", header, new byte[28]);
    AggregatedHttpResponse longBody =
        server.postBinary("/v2/models/mlp/infer", header, new byte[36]);

    assertThat(shortBody.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(longBody.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(longBody)).contains("36 bytes of binary data");
  }

  @Test
  void rejectsABadHeaderLength() {
    AggregatedHttpResponse response =
        server.blocking.execute(
            RequestHeaders.builder(HttpMethod.POST, "/v2/models/mlp/infer")
                .set("inference-header-content-length", "ten")
                .build(),
            "{}");

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(response))
        .isEqualTo("header Inference-Header-Content-Length must be a non-negative integer but "
            + "was 'ten'");
  }

  @Test
  void keepsServingAfterBadInput() {
    server.post("/v2/models/mlp/infer", "{\"inputs\": [{");
    server.post("/v2/models/mlp/infer", "\u0000\u0001garbage");
    server.post("/v2/models/nope/infer", "{}");

    assertThat(server.post("/v2/models/mlp/infer", mlpRequest("")).status())
        .isEqualTo(HttpStatus.OK);
  }

  @Test
  void dropsARequestWhoseTimeoutPassesInTheQueueWith504() {
    String request =
        inferRequest("\"parameters\": {\"timeout\": 1000}, ", "x", "FP32", "[1, 2]", "[1, 2]");

    AggregatedHttpResponse response = server.post("/v2/models/slow/infer", request);

    assertThat(response.status()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
    assertThat(error(response)).contains("timed out");
  }

  @Test
  void rejectsARequestToAFullQueueWith429AndRetryAfter() {
    String request = inferRequest("x", "FP32", "[1, 2]", "[1, 2]");
    CompletableFuture<AggregatedHttpResponse> waiting =
        server.postAsync("/v2/models/slow/infer", request);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.queueDepth("slow") == 1);

    AggregatedHttpResponse rejected = server.post("/v2/models/slow/infer", request);

    assertThat(rejected.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    assertThat(rejected.headers().getLong("retry-after")).isGreaterThanOrEqualTo(1L);
    assertThat(error(rejected)).contains("full");
    assertThat(waiting.join().status()).isEqualTo(HttpStatus.OK);
  }

  private static String mlpRequest(String extraFields) {
    return inferRequest(extraFields, "input", "FP32", "[2, 8]", MLP_ROWS);
  }

  private static String identity(DataType type) {
    return "identity_" + type.name().toLowerCase(Locale.ROOT);
  }

  /** Random elements in the binary encoding; BOOL stays 0 or 1, floats stay numbers. */
  private static byte[] binaryTensor(DataType type, int count, Random random) {
    if (type == DataType.BYTES) {
      ByteBuffer out = ByteBuffer.allocate(count * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < count; i++) {
        byte[] element = ("s" + i + "é").getBytes(StandardCharsets.UTF_8);
        out.putInt(element.length).put(element);
      }
      return Arrays.copyOf(out.array(), out.position());
    }
    ByteBuffer out = ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      switch (type) {
        case BOOL -> out.put((byte) random.nextInt(2));
        case FP16 -> out.putShort((short) random.nextInt(0x7c00));
        case FP32 -> out.putFloat((float) random.nextGaussian());
        case FP64 -> out.putDouble(random.nextGaussian());
        default -> {
          byte[] element = new byte[type.byteSize()];
          random.nextBytes(element);
          out.put(element);
        }
      }
    }
    return out.array();
  }
}
