package dev.serval.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers the routes the swap benchmark calls, as the Serval server does in shape only: pushes
 * become READY versions, a deployment change routes every later inference to its one version, and
 * each inference answer names the version that served it. The real server's swap is tested in
 * the server and serving modules; this tests the benchmark's own logic.
 */
final class SwapTestServer implements RunningServer {
  private static final String METADATA = """
      {"name":"mlp","versions":["1","2"],"platform":"onnxruntime_onnx",
       "inputs":[{"name":"input","datatype":"FP32","shape":[-1,64]}],
       "outputs":[{"name":"probabilities","datatype":"FP32","shape":[-1,10]}]}""";
  private static final Pattern WEIGHTS = Pattern.compile("\\{\"weights\": \\{\"(\\d+)\": 100}}");

  private final HttpServer http;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  final AtomicInteger pushes = new AtomicInteger();
  final List<Integer> deployments = new CopyOnWriteArrayList<>();
  /** Which deployment changes, counted from 1, are answered 500 instead. */
  final Set<Integer> refusedChanges = ConcurrentHashMap.newKeySet();
  private final AtomicInteger changes = new AtomicInteger();
  private volatile String serving;

  SwapTestServer() {
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http.setExecutor(executor);
    http.createContext("/", this::handle);
    http.start();
  }

  @Override
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
      switch (route) {
        case "POST /api/v1/models/mlp/versions" -> respond(exchange, 201,
            "{\"version\": " + pushes.incrementAndGet() + ", \"state\": \"READY\"}");
        case "PUT /api/v1/models/mlp/deployment" -> deploy(exchange, body);
        case "GET /v2/models/mlp" -> respond(exchange, 200, METADATA);
        case "POST /v2/models/mlp/infer" -> respond(exchange, serving == null ? 400 : 200,
            "{\"model_name\":\"mlp\",\"model_version\":\"" + serving + "\",\"outputs\":[]}");
        default -> respond(exchange, 404, "{\"error\":\"no route " + route + "\"}");
      }
    }
  }

  private void deploy(HttpExchange exchange, String body) throws IOException {
    Matcher m = WEIGHTS.matcher(body);
    if (!m.matches()) {
      respond(exchange, 400, "{\"error\":\"unexpected deployment " + body + "\"}");
    } else if (refusedChanges.contains(changes.incrementAndGet())) {
      respond(exchange, 500, "{\"error\":\"version " + m.group(1) + " failed to load\"}");
    } else {
      deployments.add(Integer.parseInt(m.group(1)));
      serving = m.group(1);
      respond(exchange, 200, "{\"model\":\"mlp\"}");
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
