package dev.serval.server;

import static dev.serval.server.TestServer.error;
import static dev.serval.server.TestServer.inferRequest;
import static dev.serval.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.sun.net.httpserver.HttpServer;
import dev.serval.async.AsyncService;
import dev.serval.core.DataType;
import dev.serval.registry.ModelRegistry;
import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Asynchronous inference and batches against a real server with real ONNX models. */
class AsyncInferenceApiTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String MLP_ROWS =
      "[[0.5, -1, 2, 0, 0.25, 1, -0.5, 3], [1, 1, 1, 1, 1, 1, 1, 1]]";
  /** Holds every task: a service on it never claims anything, so requests stay queued. */
  private static final Executor NEVER = task -> { };

  @TempDir static Path repository;
  @TempDir Path data;
  private ModelRegistry registry;
  private TestServer server;

  @BeforeAll
  static void writeModels() {
    TestServer.writeModel(repository, "mlp", 1, SampleModels.mlp(8, new int[] {16}, 3, 1));
    TestServer.writeModel(repository, "ident", 1, SampleModels.identity(DataType.FP32, -1, 2));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** A server whose asynchronous requests live in the registry's database under {@code data}. */
  private TestServer start(UnaryOperator<AsyncService.Builder> settings) {
    registry = ModelRegistry.builder().dataDir(data).build();
    AsyncService.Builder async = settings.apply(AsyncService.builder()
        .database(registry.database())
        .pollInterval(Duration.ofMillis(50)));
    server = TestServer.start(repository, b -> b.async(async));
    return server;
  }

  private static String mlpRequest(String fields) {
    return inferRequest(fields, "input", "FP32", "[2, 8]", MLP_ROWS);
  }

  private AggregatedHttpResponse post(String path, MediaType type, String body, String... headers) {
    RequestHeadersBuilder request = RequestHeaders.builder(HttpMethod.POST, path).contentType(type);
    for (int i = 0; i < headers.length; i += 2) {
      request.add(headers[i], headers[i + 1]);
    }
    return server.blocking.execute(request.build(), body);
  }

  /** Submits and checks the 202; returns the request id. */
  private String submit(String path, String body, String... headers) {
    AggregatedHttpResponse accepted = post(path, MediaType.JSON_UTF_8, body, headers);
    assertThat(accepted.status()).as(accepted.contentUtf8()).isEqualTo(HttpStatus.ACCEPTED);
    String id = json(accepted).get("id").asText();
    assertThat(json(accepted).get("status").asText()).isEqualTo("QUEUED");
    assertThat(accepted.headers().get("location")).isEqualTo("/v2/async/" + id);
    return id;
  }

  /** The answer once the request is no longer pending. */
  private AggregatedHttpResponse awaitAnswer(String id) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> server.get("/v2/async/" + id).status() != HttpStatus.ACCEPTED);
    return server.get("/v2/async/" + id);
  }

  @Test
  void anAsyncAnswerIsTheSynchronousAnswerByteForByte() {
    start(b -> b);
    AggregatedHttpResponse sync = server.post("/v2/models/mlp/infer", mlpRequest("\"id\": \"a\","));

    String id = submit("/v2/models/mlp/infer",
        mlpRequest("\"id\": \"a\", \"parameters\": {\"async\": true},"));

    AggregatedHttpResponse answer = awaitAnswer(id);
    assertThat(answer.status()).isEqualTo(HttpStatus.OK);
    assertThat(answer.contentType()).isEqualTo(sync.contentType());
    assertThat(answer.content().array()).isEqualTo(sync.content().array());
    assertThat(answer.headers().get(AsyncService.HEADER_ID)).isEqualTo(id);
  }

  @Test
  void aBinaryAnswerAskedForWithPreferRespondAsyncIsTheSynchronousOne() {
    start(b -> b);
    byte[] tensor = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
        .putFloat(1.5f).putFloat(-2f).putFloat(0f).putFloat(3.25f).array();
    String header = "{\"parameters\": {\"binary_data_output\": true}, \"inputs\": [{\"name\":"
        + " \"x\", \"datatype\": \"FP32\", \"shape\": [2, 2], \"parameters\":"
        + " {\"binary_data_size\": 16}}]}";
    AggregatedHttpResponse sync = server.postBinary("/v2/models/ident/infer", header, tensor);
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    byte[] body = ByteBuffer.allocate(json.length + 16).put(json).put(tensor).array();

    AggregatedHttpResponse accepted = server.blocking.execute(
        RequestHeaders.builder(HttpMethod.POST, "/v2/models/ident/infer")
            .contentType(MediaType.OCTET_STREAM)
            .setInt("inference-header-content-length", json.length)
            .add("prefer", "respond-async, wait=5")
            .build(),
        body);

    assertThat(accepted.status()).as(accepted.contentUtf8()).isEqualTo(HttpStatus.ACCEPTED);
    AggregatedHttpResponse answer = awaitAnswer(json(accepted).get("id").asText());
    assertThat(answer.contentType()).isEqualTo(MediaType.OCTET_STREAM);
    assertThat(answer.headers().get("inference-header-content-length"))
        .isEqualTo(sync.headers().get("inference-header-content-length"));
    assertThat(answer.content().array()).isEqualTo(sync.content().array());
  }

  @Test
  void aFailedRequestAnswersTheStoredErrorAsTheSynchronousCallWould() {
    start(b -> b);
    String wrongInput = inferRequest("", "nope", "FP32", "[2, 8]", MLP_ROWS);
    AggregatedHttpResponse sync = server.post("/v2/models/mlp/infer", wrongInput);

    String id = submit("/v2/models/mlp/infer", wrongInput, "prefer", "respond-async");

    AggregatedHttpResponse answer = awaitAnswer(id);
    assertThat(answer.status()).isEqualTo(sync.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(answer)).isEqualTo(error(sync));
    JsonNode status = json(server.get("/v2/async/" + id + "/status"));
    assertThat(status.get("status").asText()).isEqualTo("FAILED");
    assertThat(status.get("error").asText()).isEqualTo(error(sync));
  }

  @Test
  void refusesAsyncForAnUnknownModelAtOnce() {
    start(b -> b);

    AggregatedHttpResponse response = post("/v2/models/missing/infer", MediaType.JSON_UTF_8,
        mlpRequest("\"parameters\": {\"async\": true},"));

    assertThat(response.status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(error(response)).contains("missing");
  }

  @Test
  void refusesBadAsyncParametersNamingTheValue() {
    start(b -> b);

    AggregatedHttpResponse callback = post("/v2/models/mlp/infer", MediaType.JSON_UTF_8,
        mlpRequest("\"parameters\": {\"async\": true, \"callback_url\": \"ftp://x/y\"},"));
    AggregatedHttpResponse reply = post("/v2/models/mlp/infer", MediaType.JSON_UTF_8,
        mlpRequest("\"parameters\": {\"async\": true, \"reply_to\": \"results\"},"));
    AggregatedHttpResponse flag = post("/v2/models/mlp/infer", MediaType.JSON_UTF_8,
        mlpRequest("\"parameters\": {\"async\": \"yes\"},"));

    assertThat(callback.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(callback)).contains("callback_url", "'ftp://x/y'");
    assertThat(reply.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(reply)).contains("reply_to", "--broker");
    assertThat(flag.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(flag)).contains("'async'", "yes");
  }

  @Test
  void unknownIdsAreNotFoundAndDeleteForgetsARequest() {
    start(b -> b.executor(NEVER).pollInterval(Duration.ofHours(1)));
    String id = submit("/v2/models/mlp/infer", mlpRequest("\"parameters\": {\"async\": true},"));

    AggregatedHttpResponse pending = server.get("/v2/async/" + id);
    AggregatedHttpResponse deleted = server.blocking.delete("/v2/async/" + id);

    assertThat(pending.status()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(json(pending).get("status").asText()).isEqualTo("QUEUED");
    assertThat(json(pending).has("queued_at")).isTrue();
    assertThat(deleted.status()).isEqualTo(HttpStatus.NO_CONTENT);
    assertThat(server.get("/v2/async/" + id).status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(server.blocking.delete("/v2/async/" + id).status())
        .isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void refusesSubmissionsWith429WhenTheBacklogIsFull() {
    start(b -> b.executor(NEVER).pollInterval(Duration.ofHours(1)).maxBacklog(2)
        .retryDelay(Duration.ofSeconds(7)));
    String body = mlpRequest("\"parameters\": {\"async\": true},");
    submit("/v2/models/mlp/infer", body);
    submit("/v2/models/mlp/infer", body);

    AggregatedHttpResponse refused = post("/v2/models/mlp/infer", MediaType.JSON_UTF_8, body);

    assertThat(refused.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    assertThat(refused.headers().get("retry-after")).isEqualTo("7");
    assertThat(error(refused)).contains("2 unfinished");
  }

  @Test
  void aQueuedRequestIsAnsweredByTheNextServerOnTheSameData() {
    start(b -> b.executor(NEVER).pollInterval(Duration.ofHours(1)));
    String request = mlpRequest("\"parameters\": {\"async\": true},");
    String id = submit("/v2/models/mlp/infer", request);
    server.close();
    registry.close();

    start(b -> b);

    AggregatedHttpResponse answer = awaitAnswer(id);
    assertThat(answer.status()).isEqualTo(HttpStatus.OK);
    assertThat(answer.content().array())
        .isEqualTo(server.post("/v2/models/mlp/infer", mlpRequest("")).content().array());
  }

  @Test
  void postsTheAnswerToTheCallbackUrl() throws IOException {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer callback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    callback.createContext("/hook", exchange -> {
      received.add(exchange.getRequestHeaders().getFirst(AsyncService.HEADER_ID) + " "
          + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    callback.start();
    try {
      start(b -> b);
      String url = "http://127.0.0.1:" + callback.getAddress().getPort() + "/hook";

      String id = submit("/v2/models/mlp/infer",
          mlpRequest("\"parameters\": {\"async\": true, \"callback_url\": \"" + url + "\"},"));

      await().atMost(WAIT).until(() -> json(server.get("/v2/async/" + id + "/status"))
          .path("callback").path("state").asText().equals("DELIVERED"));
      String sync = server.post("/v2/models/mlp/infer", mlpRequest("")).contentUtf8();
      assertThat(received).containsExactly(id + " " + sync);
    } finally {
      callback.stop(0);
    }
  }

  @Test
  void aBatchFileAnswersEveryLineInOrderWithAnErrorLineForABadOne() {
    start(b -> b.batchSize(2));
    String good = mlpRequest("\"id\": \"1\",");
    String bad = "{\"inputs\": [}";
    String other = mlpRequest("\"id\": \"3\",");

    AggregatedHttpResponse accepted = post("/v2/models/mlp/batch", MediaType.parse(
        AsyncService.JSON_LINES), good + "\n" + bad + "\n" + other + "\n");

    assertThat(accepted.status()).as(accepted.contentUtf8()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(json(accepted).path("progress").path("total").asInt()).isEqualTo(3);
    String id = json(accepted).get("id").asText();
    AggregatedHttpResponse answer = awaitAnswer(id);
    assertThat(answer.status()).isEqualTo(HttpStatus.OK);
    assertThat(answer.headers().get("content-type")).isEqualTo(AsyncService.JSON_LINES);
    assertThat(answer.contentUtf8()).isEqualTo(
        server.post("/v2/models/mlp/infer", good).contentUtf8() + "\n"
            + server.post("/v2/models/mlp/infer", bad).contentUtf8() + "\n"
            + server.post("/v2/models/mlp/infer", other).contentUtf8() + "\n");
    JsonNode status = json(server.get("/v2/async/" + id + "/status"));
    assertThat(status.path("progress").path("done").asInt()).isEqualTo(3);
  }

  @Test
  void refusesABatchForAnUnknownModelOrWithoutLines() {
    start(b -> b);

    AggregatedHttpResponse unknown = post("/v2/models/missing/batch", MediaType.JSON_UTF_8, "{}");
    AggregatedHttpResponse empty = post("/v2/models/mlp/batch", MediaType.JSON_UTF_8, "\n");

    assertThat(unknown.status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(empty.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(empty)).contains("no lines");
  }
}
