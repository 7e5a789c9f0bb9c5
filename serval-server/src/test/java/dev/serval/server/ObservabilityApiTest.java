package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.RequestHeaders;
import dev.serval.core.DataType;
import dev.serval.grpc.api.GRPCInferenceServiceGrpc;
import dev.serval.grpc.api.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.serval.grpc.api.ModelMetadataRequest;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.server.observability.AccessLog;
import dev.serval.server.observability.Observability;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request ids, the access log and the API metrics of a real server, over REST and gRPC. */
class ObservabilityApiTest {
  private static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
  private static final String INFER = "/v2/models/id/infer";
  private static final String BODY = TestServer.inferRequest("x", "FP32", "[1, 2]", "[3, 4]");

  @TempDir static Path repository;
  @TempDir static Path logs;
  private static Path accessLog;
  private static TestServer server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() {
    TestServer.writeModel(repository, "id", 1, SampleModels.identity(DataType.FP32, -1, 2));
    accessLog = logs.resolve("access.jsonl");
    server = TestServer.start(
        repository, b -> b.observability(
        Observability.builder().accessLog(AccessLog.builder().file(accessLog).build())));
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.server.port(), InsecureChannelCredentials.create())
            .build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void echoesASaneIncomingRequestId() {
    AggregatedHttpResponse response = post(INFER, BODY, "req-0b5f:7/a+b=");

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.headers().get("x-request-id")).isEqualTo("req-0b5f:7/a+b=");
  }

  @Test
  void replacesAnOverlongOrOddRequestIdWithAGeneratedOne() {
    for (String odd : new String[] {"a".repeat(129), "two words", "semi;colon"}) {
      String id = post(INFER, BODY, odd).headers().get("x-request-id");

      assertThat(id).isNotEqualTo(odd).matches("[0-9a-f]{16}");
    }
  }

  @Test
  void givesEveryResponseItsOwnIdEvenForUnknownRoutes() {
    AggregatedHttpResponse first = server.get("/no/such/route");
    AggregatedHttpResponse second = server.get("/no/such/route");

    assertThat(first.status().code()).isEqualTo(404);
    assertThat(first.headers().get("x-request-id")).isNotNull()
        .isNotEqualTo(second.headers().get("x-request-id"));
  }

  @Test
  void echoesTheRequestIdOnGrpcResponses() {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();

    grpc("grpc-echo-1", headers, trailers)
        .modelMetadata(ModelMetadataRequest.newBuilder().setName("id").build());

    assertThat(headers.get().get(REQUEST_ID)).isEqualTo("grpc-echo-1");
  }

  @Test
  void logsOneJsonLinePerRestRequest() {
    post(INFER, BODY, "log-rest-1");

    JsonNode line = awaitLine("log-rest-1");
    assertThat(Instant.parse(line.get("time").asText()))
        .isBetween(Instant.now().minus(Duration.ofMinutes(1)), Instant.now());
    assertThat(line.get("remote").asText()).isEqualTo("127.0.0.1");
    assertThat(line.get("method").asText()).isEqualTo("POST");
    assertThat(line.get("path").asText()).isEqualTo(INFER);
    assertThat(line.get("protocol").asText()).isEqualTo("rest");
    assertThat(line.get("status").asInt()).isEqualTo(200);
    assertThat(line.get("grpc_status").isNull()).isTrue();
    assertThat(line.get("latency_ms").asDouble()).isPositive();
    assertThat(line.get("request_bytes").asLong()).isEqualTo(BODY.length());
    assertThat(line.get("response_bytes").asLong()).isPositive();
    assertThat(line.get("model").asText()).isEqualTo("id");
    assertThat(line.get("key_id").isNull()).isTrue();
    assertThat(line.get("user_agent").asText()).startsWith("armeria/");
  }

  @Test
  void logsGrpcCallsWithTheirGrpcStatus() {
    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> grpc("log-grpc-1", new AtomicReference<>(), new AtomicReference<>())
                .modelMetadata(ModelMetadataRequest.newBuilder().setName("nope").build()));
    assertThat(failure.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND);

    JsonNode line = awaitLine("log-grpc-1");
    assertThat(line.get("protocol").asText()).isEqualTo("grpc");
    assertThat(line.get("path").asText())
        .isEqualTo("/inference.GRPCInferenceService/ModelMetadata");
    assertThat(line.get("http_version").asText()).isEqualTo("HTTP/2");
    assertThat(line.get("status").asInt()).isEqualTo(200);
    assertThat(line.get("grpc_status").asText()).isEqualTo("NOT_FOUND");
    assertThat(line.get("model").asText()).isEqualTo("nope");
  }

  @Test
  void countsRequestsByProtocolModelKeyAndStatus() {
    double inferred = count("rest", "id", "200");
    double unknown = count("rest", "unknown", "404");
    double health = count("rest", "none", "200");
    double grpc = count("grpc", "id", "OK");

    post(INFER, BODY, null);
    post("/v2/models/made-up-model/infer", BODY, null);
    server.get("/v2/health/live");
    grpc("count-1", new AtomicReference<>(), new AtomicReference<>())
        .modelMetadata(ModelMetadataRequest.newBuilder().setName("id").build());

    await().untilAsserted(() -> {
      assertThat(count("rest", "id", "200")).isEqualTo(inferred + 1);
      assertThat(count("rest", "unknown", "404")).isEqualTo(unknown + 1);
      assertThat(count("rest", "none", "200")).isGreaterThanOrEqualTo(health + 1);
      assertThat(count("grpc", "id", "OK")).isEqualTo(grpc + 1);
    });
    assertThat(server.registry.find("serval.api.requests").tag("model", "made-up-model").meters())
        .isEmpty();
    Timer latency = server.registry.find("serval.api.request.duration")
        .tags("protocol", "rest", "model", "id", "key", "none", "status", "200").timer();
    assertThat(latency.count()).isEqualTo((long) count("rest", "id", "200"));
  }

  private static double count(String protocol, String model, String status) {
    Counter counter = server.registry.find("serval.api.requests")
        .tags("protocol", protocol, "model", model, "key", "none", "status", status).counter();
    return counter == null ? 0 : counter.count();
  }

  private static AggregatedHttpResponse post(String path, String json, String requestId) {
    RequestHeadersBuilder headers =
        RequestHeaders.builder(HttpMethod.POST, path).contentType(MediaType.JSON_UTF_8);
    if (requestId != null) {
      headers.set("x-request-id", requestId);
    }
    return server.blocking.execute(headers.build(), json);
  }

  private static GRPCInferenceServiceBlockingStub grpc(
      String requestId, AtomicReference<Metadata> headers, AtomicReference<Metadata> trailers) {
    Metadata sent = new Metadata();
    sent.put(REQUEST_ID, requestId);
    return GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withInterceptors(
            MetadataUtils.newAttachHeadersInterceptor(sent),
            MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
  }

  private static JsonNode awaitLine(String requestId) {
    AtomicReference<JsonNode> found = new AtomicReference<>();
    await().until(() -> {
      found.set(line(requestId));
      return found.get() != null;
    });
    return found.get();
  }

  private static JsonNode line(String requestId) {
    try {
      if (!Files.exists(accessLog)) {
        return null;
      }
      for (String line : Files.readAllLines(accessLog)) {
        JsonNode json = TestServer.json(line);
        if (json.get("request_id").asText().equals(requestId)) {
          return json;
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
