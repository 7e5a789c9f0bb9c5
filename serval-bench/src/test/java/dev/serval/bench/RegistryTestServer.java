package dev.serval.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.serval.core.ModelNotFoundException;
import dev.serval.registry.ModelFilter;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.PageRequest;
import dev.serval.registry.RegistryService;
import dev.serval.registry.VersionMetadata;
import dev.serval.registry.VersionRecord;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.runtime.onnx.OnnxBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The management API's push and read routes over a real registry, validator and ONNX Runtime, in
 * process, so that the benchmark's own logic can be tested without the server module (which
 * depends on this one). Answers only what the benchmark reads: the status and a small body.
 */
final class RegistryTestServer implements RunningServer {
  private final HttpServer http;
  private final ModelRegistry registry;
  private final RegistryService service;
  private final ExecutorService validations = Executors.newSingleThreadExecutor();
  final List<String> requested = new CopyOnWriteArrayList<>();
  final List<VersionRecord> pushed = new CopyOnWriteArrayList<>();

  RegistryTestServer(Path dataDir) {
    registry = ModelRegistry.builder().dataDir(dataDir).build();
    service = RegistryService.builder().registry(registry).executor(validations)
        .validator(ModelValidator.builder().backend(new OnnxBackend()).build()).build();
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http.createContext("/api/v1/models", this::handle);
    http.createContext("/v2/models", this::ready);
    http.start();
  }

  @Override
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requested.add(exchange.getRequestURI().toString());
    String[] parts = path.substring("/api/v1/models".length()).split("/");
    Map<String, String> query = query(exchange.getRequestURI().getQuery());
    int status = 200;
    try {
      if (exchange.getRequestMethod().equals("POST")) {
        VersionRecord stored = service.push(parts[1], exchange.getRequestBody(),
            VersionMetadata.EMPTY, Optional.empty());
        VersionRecord done =
            service.awaitValidation(parts[1], stored.version(), Duration.ofMinutes(1));
        pushed.add(done);
        respond(exchange, 201, "{\"version\": " + done.version() + ", \"state\": \""
            + done.state() + "\", \"reason\": \"\"}");
        return;
      }
      read(parts, query);
    } catch (ModelNotFoundException e) {
      status = 404;
    }
    respond(exchange, status, "{}");
  }

  /** Serving readiness, as if every READY version were loaded as soon as it is pushed. */
  private void ready(HttpExchange exchange) throws IOException {
    requested.add(exchange.getRequestURI().toString());
    boolean served = pushed.stream().anyMatch(v -> exchange.getRequestURI().getPath().equals(
        "/v2/models/" + v.model() + "/versions/" + v.version() + "/ready"));
    respond(exchange, served ? 200 : 503, "{}");
  }

  private void read(String[] parts, Map<String, String> query) {
    PageRequest page = new PageRequest(query.get("after"),
        Integer.parseInt(query.getOrDefault("limit", "100")));
    if (parts.length <= 1) {
      registry.listModels(ModelFilter.ALL, page);
    } else if (parts.length == 2) {
      registry.getModel(parts[1]);
    } else if (parts.length == 3) {
      registry.listVersions(parts[1], page);
    } else {
      registry.getVersion(parts[1], Integer.parseInt(parts[3]));
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        String[] kv = pair.split("=", 2);
        values.put(kv[0], kv.length == 2 ? kv[1] : "");
      }
    }
    return values;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getRequestBody().readAllBytes();
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    http.stop(0);
    validations.shutdownNow();
    registry.close();
  }
}
