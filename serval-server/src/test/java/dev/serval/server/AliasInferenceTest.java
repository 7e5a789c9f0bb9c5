package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.RegistryService;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v2/models/{model}/versions/{alias}} routes answer with the version the alias names. */
class AliasInferenceTest {
  private static final byte[] FIRST = SampleModels.mlp(4, new int[] {8}, 3, 1);
  private static final byte[] SECOND = SampleModels.mlp(4, new int[] {16}, 3, 2);
  private static final String REQUEST =
      TestServer.inferRequest("input", "FP32", "[1, 4]", "[0.1, 0.2, 0.3, 0.4]");

  @TempDir Path dir;
  private ModelRegistry registry;
  private TestServer server;

  @BeforeEach
  void start() throws IOException {
    Path repository = Files.createDirectories(dir.resolve("repository"));
    TestServer.writeConfig(repository, "m", "{\"version_policy\": {\"all\": {}}}");
    TestServer.writeModel(repository, "m", 1, FIRST);
    TestServer.writeModel(repository, "m", 2, SECOND);
    registry = ModelRegistry.builder().dataDir(dir.resolve("data")).build();
    RegistryService service =
        RegistryService.builder()
            .registry(registry)
            .validator(ModelValidator.builder().backend(new OnnxBackend()).seed(7).build())
            .executor(Runnable::run)
            .build();
    server = TestServer.start(repository, builder -> builder.registry(registry, service));
    push(FIRST);
    push(SECOND);
  }

  @AfterEach
  void stop() {
    server.close();
    registry.close();
  }

  @Test
  void inferenceByAliasAnswersWithTheVersionTheAliasNames() {
    setAlias("production", 1);
    assertThat(modelVersion(infer("production"))).isEqualTo("1");

    setAlias("production", 2);
    assertThat(modelVersion(infer("production"))).isEqualTo("2");
  }

  @Test
  void metadataReadinessAndStatisticsResolveAliases() {
    setAlias("production", 1);

    AggregatedHttpResponse metadata = server.get("/v2/models/m/versions/production");
    assertThat(metadata.status()).as(metadata.contentUtf8()).isEqualTo(HttpStatus.OK);
    assertThat(metadata.contentUtf8())
        .isEqualTo(server.get("/v2/models/m/versions/1").contentUtf8());
    assertThat(server.get("/v2/models/m/versions/production/ready").status())
        .isEqualTo(HttpStatus.OK);
    infer("production");
    AggregatedHttpResponse stats = server.get("/v2/models/m/versions/production/stats");
    assertThat(stats.status()).as(stats.contentUtf8()).isEqualTo(HttpStatus.OK);
    assertThat(TestServer.json(stats).get("model_stats").get(0).get("version").asText())
        .isEqualTo("1");
  }

  @Test
  void unknownAliasIsNotFound() {
    AggregatedHttpResponse response = infer("staging");

    assertThat(response.status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(response.contentUtf8()).contains("model 'm' has no version or alias 'staging'");
    assertThat(server.get("/v2/models/m/versions/staging/ready").status())
        .isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void numericVersionsAreServedAsBefore() {
    setAlias("production", 1);

    assertThat(modelVersion(infer("2"))).isEqualTo("2");
    assertThat(infer("3").status()).isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void withoutARegistryAnAliasIsNotFound() throws IOException {
    Path repository = Files.createDirectories(dir.resolve("plain"));
    TestServer.writeModel(repository, "m", 1, FIRST);
    try (TestServer plain = TestServer.start(repository, builder -> {})) {
      AggregatedHttpResponse response =
          plain.post("/v2/models/m/versions/production/infer", REQUEST);

      assertThat(response.status()).isEqualTo(HttpStatus.NOT_FOUND);
      assertThat(modelVersion(plain.post("/v2/models/m/versions/1/infer", REQUEST)))
          .isEqualTo("1");
    }
  }

  private AggregatedHttpResponse infer(String version) {
    return server.post("/v2/models/m/versions/" + version + "/infer", REQUEST);
  }

  private static String modelVersion(AggregatedHttpResponse response) {
    assertThat(response.status()).as(response.contentUtf8()).isEqualTo(HttpStatus.OK);
    return TestServer.json(response).get("model_version").asText();
  }

  private void push(byte[] artifact) {
    AggregatedHttpResponse response =
        server.blocking.execute(
            RequestHeaders.builder(HttpMethod.POST, "/api/v1/models/m/versions?wait=true")
                .contentType(MediaType.OCTET_STREAM)
                .build(),
            artifact);
    assertThat(response.status()).as(response.contentUtf8()).isEqualTo(HttpStatus.CREATED);
  }

  private void setAlias(String alias, int version) {
    AggregatedHttpResponse response =
        server.blocking.execute(
            RequestHeaders.builder(HttpMethod.PUT, "/api/v1/models/m/aliases/" + alias)
                .contentType(MediaType.JSON_UTF_8)
                .build(),
            "{\"version\": " + version + "}");
    assertThat(response.status()).as(response.contentUtf8()).isEqualTo(HttpStatus.OK);
  }
}
