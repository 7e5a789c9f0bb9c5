package dev.serval.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.RegistryService;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.server.LocalClient;
import dev.serval.server.ServalServer;
import dev.serval.serving.ModelManager;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real server with a registry in {@code DIR/data}, validating on the pushing thread; and a client with the management calls the tests make.
 */
final class ManagementServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final ModelRegistry registry;
  final ServalServer server;
  final BlockingWebClient client;
  private final LocalClient connections;

  private ManagementServer(ModelRegistry registry, ServalServer server, LocalClient connections) {
    this.registry = registry;
    this.server = server;
    this.connections = connections;
    this.client = connections.blocking();
  }

  static ManagementServer start(Path dir, long uploadLimit) throws IOException {
    ModelRegistry registry =
        ModelRegistry.builder().dataDir(dir.resolve("data")).maxUploadBytes(uploadLimit).build();
    RegistryService service =
        RegistryService.builder()
            .registry(registry)
            .validator(ModelValidator.builder().backend(new OnnxBackend()).seed(7).build())
            .executor(Runnable::run)
            .build();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ModelManager models =
        ModelManager.builder()
            .repository(Files.createDirectories(dir.resolve("repository")))
            .backend(new OnnxBackend())
            .meterRegistry(meters)
            .build()
            .start();
    ServalServer server =
        ServalServer.builder()
            .port(0)
            .modelService(models)
            .meterRegistry(meters)
            .gracefulShutdown(Duration.ofMillis(50), Duration.ofSeconds(20))
            .registry(registry, service)
            .build();
    server.start();
    return new ManagementServer(registry, server, LocalClient.of(server.port()));
  }

  int port() {
    return server.port();
  }

  AggregatedHttpResponse push(String model, String query, byte[] artifact) {
    return client.execute(
        RequestHeaders.builder(HttpMethod.POST, "/api/v1/models/" + model + "/versions" + query)
            .contentType(MediaType.OCTET_STREAM)
            .build(),
        artifact);
  }

  AggregatedHttpResponse get(String path) {
    return client.get(path);
  }

  AggregatedHttpResponse delete(String path) {
    return client.delete(path);
  }

  AggregatedHttpResponse put(String path, String json) {
    return client.execute(
        RequestHeaders.builder(HttpMethod.PUT, path).contentType(MediaType.JSON_UTF_8).build(),
        json);
  }

  static JsonNode json(AggregatedHttpResponse response) {
    try {
      return JSON.readTree(response.contentUtf8());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.contentUtf8(), e);
    }
  }

  static String error(AggregatedHttpResponse response) {
    return json(response).get("error").asText();
  }

  @Override
  public void close() {
    connections.close();
    try {
      server.close();
    } finally {
      registry.close();
    }
  }
}
