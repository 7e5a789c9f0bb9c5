package dev.serval.server;

import static dev.serval.server.TestServer.error;
import static dev.serval.server.TestServer.inferRequest;
import static dev.serval.server.TestServer.json;
import static dev.serval.server.TestServer.names;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import dev.serval.core.DataType;
import dev.serval.runtime.onnx.SampleModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health, metadata, repository, statistics and metrics routes against a real server. */
class ProtocolApiTest {
  private static final String MLP_REQUEST =
      inferRequest("input", "FP32", "[1, 8]", "[1, 2, 3, 4, 5, 6, 7, 8]");

  @TempDir static Path repository;
  private static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    TestServer.writeModel(repository, "mlp", 1, SampleModels.mlp(8, new int[] {16}, 3, 1));
    TestServer.writeModel(repository, "spare", 1, SampleModels.identity(DataType.INT64, -1));
    Files.createDirectories(repository.resolve("broken/1"));
    Files.writeString(repository.resolve("broken/1/model.onnx"), "not an ONNX model");
    server = TestServer.start(repository, b -> {});
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void describesTheServerAndItsExtensions() {
    JsonNode body = json(server.get("/v2"));

    assertThat(body.get("name").asText()).isEqualTo("serval");
    assertThat(body.get("version").asText()).isNotBlank();
    assertThat(body.get("extensions").toString())
        .isEqualTo("[\"binary_tensor_data\",\"model_repository\",\"statistics\"]");
  }

  @Test
  void reportsLivenessAndReadiness() {
    AggregatedHttpResponse live = server.get("/v2/health/live");
    AggregatedHttpResponse ready = server.get("/v2/health/ready");

    assertThat(live.status()).isEqualTo(HttpStatus.OK);
    assertThat(live.contentUtf8()).isEqualTo("{\"live\":true}");
    assertThat(ready.status()).isEqualTo(HttpStatus.OK);
    assertThat(ready.contentUtf8()).isEqualTo("{\"ready\":true}");
  }

  @Test
  void reportsModelMetadataFromTheOnnxFileWithDynamicDimensions() {
    AggregatedHttpResponse response = server.get("/v2/models/mlp");

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(json(response))
        .isEqualTo(
            json(
                "{\"name\": \"mlp\", \"versions\": [\"1\"], \"platform\": \"onnxruntime_onnx\","
                    + "\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", "
                    + "\"shape\": [-1, 8]}],"
                    + "\"outputs\": ["
                    + "{\"name\": \"logits\", \"datatype\": \"FP32\", \"shape\": [-1, 3]},"
                    + "{\"name\": \"probabilities\", \"datatype\": \"FP32\", \"shape\": [-1, 3]}]}"));
    assertThat(json(server.get("/v2/models/mlp/versions/1"))).isEqualTo(json(response));
  }

  @Test
  void answers404ForAnUnknownModelOrVersion() {
    for (String path :
        List.of(
            "/v2/models/nope", "/v2/models/mlp/versions/7", "/v2/models/nope/ready",
            "/v2/models/mlp/versions/7/ready", "/v2/models/nope/stats")) {
      AggregatedHttpResponse response = server.get(path);

      assertThat(response.status()).as(path).isEqualTo(HttpStatus.NOT_FOUND);
      assertThat(error(response)).as(path).isNotBlank();
    }
  }

  @Test
  void reportsModelReadinessWith200Or503() {
    AggregatedHttpResponse ready = server.get("/v2/models/mlp/ready");
    AggregatedHttpResponse versionReady = server.get("/v2/models/mlp/versions/1/ready");
    AggregatedHttpResponse broken = server.get("/v2/models/broken/ready");

    assertThat(ready.status()).isEqualTo(HttpStatus.OK);
    assertThat(ready.contentUtf8()).isEqualTo("{\"name\":\"mlp\",\"ready\":true}");
    assertThat(versionReady.status()).isEqualTo(HttpStatus.OK);
    assertThat(broken.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(broken.contentUtf8()).isEqualTo("{\"name\":\"broken\",\"ready\":false}");
  }

  @Test
  void listsTheRepositoryWithTheReasonAModelFailedToLoad() {
    JsonNode all = json(server.post("/v2/repository/index", "{}"));
    JsonNode readyOnly = json(server.post("/v2/repository/index", "{\"ready\": true}"));
    JsonNode emptyBody = json(server.post("/v2/repository/index", ""));

    JsonNode broken = entry(all, "broken");
    assertThat(broken.get("state").asText()).isEqualTo("UNAVAILABLE");
    assertThat(broken.get("reason").asText())
        .startsWith("cannot load ONNX model broken/1/model.onnx: ");
    assertThat(entry(all, "mlp").get("state").asText()).isEqualTo("READY");
    assertThat(entry(all, "mlp").get("version").asText()).isEqualTo("1");
    assertThat(names(readyOnly)).contains("mlp").doesNotContain("broken");
    assertThat(emptyBody).isEqualTo(all);
  }

  @Test
  void rejectsAMalformedIndexRequest() {
    AggregatedHttpResponse response = server.post("/v2/repository/index", "{\"ready\": 1}");

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(response)).isEqualTo("'ready' must be true or false");
  }

  @Test
  void saysWhereAnIndexRequestIsNotJson() {
    AggregatedHttpResponse response = server.post("/v2/repository/index", "{\"ready\": }");

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(response))
        .isEqualTo(
            "malformed JSON at line 1, column 11: unexpected character '}': expected a value");
  }

  @Test
  void unloadsAndLoadsAModel() {
    String infer = inferRequest("x", "INT64", "[2]", "[1, 2]");

    AggregatedHttpResponse unload = server.post("/v2/repository/models/spare/unload", "");
    AggregatedHttpResponse whileUnloaded = server.post("/v2/models/spare/infer", infer);
    AggregatedHttpResponse readyWhileUnloaded = server.get("/v2/models/spare/ready");
    AggregatedHttpResponse load = server.post("/v2/repository/models/spare/load", "");
    AggregatedHttpResponse afterLoad = server.post("/v2/models/spare/infer", infer);

    assertThat(unload.status()).isEqualTo(HttpStatus.OK);
    assertThat(whileUnloaded.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(readyWhileUnloaded.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(load.status()).isEqualTo(HttpStatus.OK);
    assertThat(afterLoad.status()).isEqualTo(HttpStatus.OK);
  }

  @Test
  void answers404WhenLoadingAModelTheRepositoryDoesNotHave() {
    AggregatedHttpResponse response = server.post("/v2/repository/models/nope/load", "");

    assertThat(response.status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(error(response)).contains("nope");
  }

  @Test
  void reportsStatisticsInTritonsShape() {
    assertThat(server.post("/v2/models/mlp/infer", MLP_REQUEST).status())
        .isEqualTo(HttpStatus.OK);

    JsonNode all = json(server.get("/v2/models/stats"));
    JsonNode model = json(server.get("/v2/models/mlp/stats"));
    JsonNode version = json(server.get("/v2/models/mlp/versions/1/stats"));

    assertThat(names(all.get("model_stats"))).contains("mlp");
    assertThat(version).isEqualTo(model);
    JsonNode stats = model.get("model_stats").get(0);
    assertThat(stats.get("name").asText()).isEqualTo("mlp");
    assertThat(stats.get("version").asText()).isEqualTo("1");
    assertThat(stats.get("inference_count").asLong()).isPositive();
    assertThat(stats.get("execution_count").asLong()).isPositive();
    assertThat(stats.get("last_inference").asLong()).isPositive();
    JsonNode inference = stats.get("inference_stats");
    for (String field :
        List.of("success", "fail", "queue", "compute_input", "compute_infer", "compute_output")) {
      assertThat(inference.get(field).has("count")).as(field).isTrue();
      assertThat(inference.get(field).has("ns")).as(field).isTrue();
    }
    assertThat(inference.get("success").get("count").asLong()).isPositive();
    JsonNode batch = stats.get("batch_stats").get(0);
    assertThat(batch.get("batch_size").asLong()).isPositive();
    assertThat(batch.get("compute_infer").get("ns").asLong()).isPositive();
  }

  @Test
  void exposesModelAndJvmMetricsInPrometheusText() {
    assertThat(server.post("/v2/models/mlp/infer", MLP_REQUEST).status())
        .isEqualTo(HttpStatus.OK);

    AggregatedHttpResponse response = server.get("/metrics");

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.contentType().toString()).startsWith("text/plain");
    assertThat(response.contentUtf8())
        .contains("serval_requests_total{")
        .contains("model=\"mlp\"")
        .contains("serval_queue_duration_seconds")
        .contains("serval_batch_size")
        .contains("jvm_memory_used_bytes")
        .contains("jvm_gc_")
        .contains("process_uptime_seconds");
  }

  @Test
  void answersUnknownRoutesAndWrongMethodsInJson() {
    AggregatedHttpResponse unknown = server.get("/v3/nothing");
    AggregatedHttpResponse wrongMethod = server.post("/v2/health/live", "");

    assertThat(unknown.status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(unknown.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    assertThat(error(unknown)).isEqualTo("no such endpoint: GET /v3/nothing");
    assertThat(wrongMethod.status()).isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
    assertThat(error(wrongMethod))
        .isEqualTo("method POST is not allowed on /v2/health/live");
  }

  private static JsonNode entry(JsonNode index, String name) {
    for (JsonNode entry : index) {
      if (entry.get("name").asText().equals(name)) {
        return entry;
      }
    }
    throw new AssertionError("no entry " + name + " in " + index);
  }
}
