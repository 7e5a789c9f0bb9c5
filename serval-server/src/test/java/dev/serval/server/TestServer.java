package dev.serval.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.serving.ModelManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A real server on an ephemeral port: the real {@link ModelManager} with the ONNX backend over a
 * temporary model repository that tests fill with the project's sample models.
 */
final class TestServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final PrometheusMeterRegistry registry;
  final ServalServer server;
  final WebClient client;
  final BlockingWebClient blocking;
  private final LocalClient connections;

  private TestServer(ServalServer server, PrometheusMeterRegistry registry) {
    this.server = server;
    this.registry = registry;
    this.connections = LocalClient.of(server.port());
    this.client = connections.web();
    this.blocking = connections.blocking();
  }

  /** Starts a server over {@code repository}; {@code server} may adjust the builder. */
  static TestServer start(Path repository, Consumer<ServalServer.Builder> server) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ModelManager models =
        ModelManager.builder()
            .repository(repository)
            .backend(new OnnxBackend())
            .meterRegistry(registry)
            .build()
            .start();
    ServalServer.Builder builder =
        ServalServer.builder()
            .port(0)
            .modelService(models)
            .meterRegistry(registry)
            .gracefulShutdown(Duration.ofMillis(50), Duration.ofSeconds(20));
    server.accept(builder);
    ServalServer started = builder.build();
    started.start();
    return new TestServer(started, registry);
  }

  static void writeModel(Path repository, String model, int version, byte[] onnx) {
    SampleModels.write(onnx, repository.resolve(model).resolve(Integer.toString(version))
        .resolve("model.onnx"));
  }

  static void writeConfig(Path repository, String model, String configJson) {
    try {
      Files.createDirectories(repository.resolve(model));
      Files.writeString(repository.resolve(model).resolve("config.json"), configJson);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An inference request body with one input that carries its values as JSON {@code data}. */
  static String inferRequest(String name, Object datatype, String shape, String data) {
    return inferRequest("", name, datatype, shape, data);
  }

  /**
   * The same with more top-level fields, e.g. {@code "\"id\": \"a\", "}: each followed by a
   * comma.
   */
  static String inferRequest(
      String fields, String name, Object datatype, String shape, String data) {
    return "{" + fields + "\"inputs\": [{\"name\": \"" + name + "\", \"datatype\": \"" + datatype
        + "\", \"shape\": " + shape + ", \"data\": " + data + "}]}";
  }

  AggregatedHttpResponse get(String path) {
    return blocking.get(path);
  }

  AggregatedHttpResponse post(String path, String json) {
    return blocking.execute(
        RequestHeaders.builder(HttpMethod.POST, path).contentType(MediaType.JSON_UTF_8).build(),
        json);
  }

  CompletableFuture<AggregatedHttpResponse> postAsync(String path, String json) {
    return client
        .execute(
            HttpRequest.of(
                RequestHeaders.builder(HttpMethod.POST, path)
                    .contentType(MediaType.JSON_UTF_8)
                    .build(),
                HttpData.ofUtf8(json)))
        .aggregate();
  }

  /** A binary-extension request: the JSON header, then the raw tensor bytes. */
  AggregatedHttpResponse postBinary(String path, String header, byte[] binary) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[json.length + binary.length];
    System.arraycopy(json, 0, body, 0, json.length);
    System.arraycopy(binary, 0, body, json.length, binary.length);
    return blocking.execute(
        RequestHeaders.builder(HttpMethod.POST, path)
            .contentType(MediaType.OCTET_STREAM)
            .setInt("inference-header-content-length", json.length)
            .build(),
        body);
  }

  static JsonNode json(AggregatedHttpResponse response) {
    try {
      return JSON.readTree(response.contentUtf8());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.contentUtf8(), e);
    }
  }

  /** The message of an error response. */
  static String error(AggregatedHttpResponse response) {
    return json(response).get("error").asText();
  }

  /** The "name" of each element of a JSON array. */
  static List<String> names(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(element -> names.add(element.get("name").asText()));
    return names;
  }

  /** The number of requests waiting in the queue of {@code model}, or -1 before it has one. */
  double queueDepth(String model) {
    Gauge gauge = registry.find("serval.queue.depth").tag("model", model).gauge();
    return gauge == null ? -1 : gauge.value();
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + text, e);
    }
  }

  @Override
  public void close() {
    connections.close();
    server.close();
  }
}
