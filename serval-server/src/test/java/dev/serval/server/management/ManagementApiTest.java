package dev.serval.server.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagementApiTest {
  private static final byte[] MLP = SampleModels.mlp(4, new int[] {8}, 3, 1);
  private static final long UPLOAD_LIMIT = 256 * 1024;

  @TempDir Path dir;
  private ManagementServer server;
  private BlockingWebClient client;

  @BeforeEach
  void start() throws IOException {
    server = ManagementServer.start(dir, UPLOAD_LIMIT);
    client = server.client;
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void pushedWorkingModelBecomesReadyWithItsSignature() {
    AggregatedHttpResponse response =
        push("mlp", "?wait=true&description=first&tag=team=search&tag=stage=dev", MLP);

    assertThat(response.status()).isEqualTo(HttpStatus.CREATED);
    assertThat(response.headers().get("location")).isEqualTo("/api/v1/models/mlp/versions/1");
    JsonNode version = json(response);
    assertThat(version.get("model").asText()).isEqualTo("mlp");
    assertThat(version.get("version").asInt()).isEqualTo(1);
    assertThat(version.get("state").asText()).isEqualTo("READY");
    assertThat(version.get("size_bytes").asLong()).isEqualTo(MLP.length);
    assertThat(version.get("sha256").asText()).hasSize(64);
    assertThat(version.get("description").asText()).isEqualTo("first");
    assertThat(version.get("tags").toString()).isEqualTo("{\"stage\":\"dev\",\"team\":\"search\"}");
    assertThat(version.get("signature").get("inputs").get(0).get("name").asText())
        .isEqualTo("input");
    assertThat(version.get("signature").get("outputs")).hasSize(2);
    assertThat(json(get("/api/v1/models/mlp/versions/1"))).isEqualTo(version);
  }

  @Test
  void pushedGarbageFailsWithAReason() {
    byte[] noise = new byte[512];
    new Random(3).nextBytes(noise);

    JsonNode version = json(push("m", "?wait=true", noise));

    assertThat(version.get("state").asText()).isEqualTo("FAILED");
    assertThat(version.get("reason").asText()).isNotBlank();
    assertThat(version.get("signature").isNull()).isTrue();
  }

  @Test
  void runsTestCasesPushedInFrontOfTheArtifact() {
    String wrong = "{\"cases\": [{\"name\": \"wrong\", \"inputs\": [{\"name\": \"input\","
        + " \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\": [0, 0, 0, 0]}],"
        + " \"outputs\": [{\"name\": \"probabilities\", \"datatype\": \"FP32\","
        + " \"shape\": [1, 3], \"data\": [5, 5, 5]}]}]}";

    JsonNode version = json(pushWithTestCases("m", wrong.getBytes(StandardCharsets.UTF_8), MLP));

    assertThat(version.get("state").asText()).isEqualTo("FAILED");
    assertThat(version.get("reason").asText()).contains("wrong");
  }

  @Test
  void refusesMalformedTestCasesAndStoresNothing() {
    AggregatedHttpResponse response =
        pushWithTestCases("m", "{\"cases\": 3}".getBytes(StandardCharsets.UTF_8), MLP);

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(response)).contains("cases");
    assertThat(get("/api/v1/models/m").status()).isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void refusesAnUploadOverTheLimitWithoutStoringIt() throws IOException {
    byte[] large = new byte[(int) UPLOAD_LIMIT * 4];

    AggregatedHttpResponse response = push("big", "", large);

    assertThat(response.status()).isEqualTo(HttpStatus.REQUEST_ENTITY_TOO_LARGE);
    assertThat(error(response)).contains("limit");
    assertThat(get("/api/v1/models/big").status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(filesUnder(dir.resolve("data").resolve("artifacts"))).isEmpty();
  }

  @Test
  void listsModelsByPrefixAndTagAndPagesThroughVersions() {
    for (String model : List.of("a-one", "a-two", "b-three")) {
      push(model, "", MLP);
    }
    push("a-one", "", MLP);
    push("a-one", "", MLP);

    JsonNode byPrefix = json(get("/api/v1/models?prefix=a-"));
    assertThat(names(byPrefix.get("models"), "name")).containsExactly("a-one", "a-two");
    List<Integer> versions = new ArrayList<>();
    String next = null;
    do {
      JsonNode page = json(get("/api/v1/models/a-one/versions?limit=2"
          + (next == null ? "" : "&after=" + next)));
      assertThat(page.get("versions").size()).isLessThanOrEqualTo(2);
      page.get("versions").forEach(v -> versions.add(v.get("version").asInt()));
      next = page.get("next").isNull() ? null : page.get("next").asText();
    } while (next != null);
    assertThat(versions).containsExactlyInAnyOrder(1, 2, 3);
    assertThat(json(get("/api/v1/models?limit=1")).get("next").isNull()).isFalse();
  }

  @Test
  void movesAliasesAndResolvesVersionsByAlias() {
    push("m", "?wait=true", MLP);
    push("m", "?wait=true", MLP);

    AggregatedHttpResponse set = put("/api/v1/models/m/aliases/production", "{\"version\": 2}");

    assertThat(set.status()).isEqualTo(HttpStatus.OK);
    assertThat(json(set).get("aliases").toString()).isEqualTo("{\"production\":2}");
    assertThat(json(get("/api/v1/models/m/versions/production")).get("version").asInt())
        .isEqualTo(2);
    assertThat(json(get("/api/v1/models/m")).get("aliases").get("production").asInt())
        .isEqualTo(2);
    AggregatedHttpResponse removed = delete("/api/v1/models/m/aliases/production");
    assertThat(json(removed).get("aliases").size()).isZero();
    assertThat(get("/api/v1/models/m/versions/production").status())
        .isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void refusesAliasBodyWithAnUnknownField() {
    push("m", "?wait=true", MLP);

    AggregatedHttpResponse response =
        put("/api/v1/models/m/aliases/production", "{\"version\": 1, \"colour\": \"red\"}");

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(response)).contains("colour");
  }

  @Test
  void refusesToDeleteAVersionAnAliasUsesThenDeletesItOnceFree() {
    push("m", "?wait=true", MLP);
    put("/api/v1/models/m/aliases/production", "{\"version\": 1}");

    AggregatedHttpResponse refused = delete("/api/v1/models/m/versions/1");

    assertThat(refused.status()).isEqualTo(HttpStatus.CONFLICT);
    assertThat(error(refused)).contains("production");
    delete("/api/v1/models/m/aliases/production");
    assertThat(delete("/api/v1/models/m/versions/1").status()).isEqualTo(HttpStatus.NO_CONTENT);
    assertThat(get("/api/v1/models/m/versions/1").status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(delete("/api/v1/models/m").status()).isEqualTo(HttpStatus.NO_CONTENT);
    assertThat(get("/api/v1/models/m").status()).isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void answersNotFoundForUnknownModelsAndVersions() {
    push("m", "", MLP);

    assertThat(get("/api/v1/models/nope").status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(get("/api/v1/models/nope/versions").status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(get("/api/v1/models/m/versions/9").status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(delete("/api/v1/models/m/versions/9").status()).isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void refusesBadNamesAndParameters() {
    assertThat(push("..evil", "", MLP).status()).isEqualTo(HttpStatus.BAD_REQUEST);
    AggregatedHttpResponse unknown = push("m", "?colour=red", MLP);
    assertThat(unknown.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(unknown)).contains("colour");
    assertThat(get("/api/v1/models?limit=0").status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(delete("/api/v1/models/m/versions/latest").status())
        .isEqualTo(HttpStatus.BAD_REQUEST);
  }

  private AggregatedHttpResponse push(String model, String query, byte[] artifact) {
    return server.push(model, query, artifact);
  }

  private AggregatedHttpResponse pushWithTestCases(String model, byte[] cases, byte[] artifact) {
    byte[] body = new byte[cases.length + artifact.length];
    System.arraycopy(cases, 0, body, 0, cases.length);
    System.arraycopy(artifact, 0, body, cases.length, artifact.length);
    return client.execute(
        RequestHeaders.builder(HttpMethod.POST, "/api/v1/models/" + model + "/versions?wait=true")
            .contentType(MediaType.OCTET_STREAM)
            .setInt(ManagementApi.TEST_CASES_LENGTH, cases.length)
            .build(),
        body);
  }

  private AggregatedHttpResponse get(String path) {
    return server.get(path);
  }

  private AggregatedHttpResponse delete(String path) {
    return server.delete(path);
  }

  private AggregatedHttpResponse put(String path, String json) {
    return server.put(path, json);
  }

  static List<Path> filesUnder(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private static List<String> names(JsonNode array, String field) {
    List<String> names = new ArrayList<>();
    array.forEach(element -> names.add(element.get(field).asText()));
    return names;
  }

  private static JsonNode json(AggregatedHttpResponse response) {
    return ManagementServer.json(response);
  }

  private static String error(AggregatedHttpResponse response) {
    return ManagementServer.error(response);
  }
}
