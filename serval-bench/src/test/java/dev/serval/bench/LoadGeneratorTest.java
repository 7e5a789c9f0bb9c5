package dev.serval.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.TensorSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the load generator against a throwaway JDK HTTP server on the loopback address. */
class LoadGeneratorTest {
  private static final String METADATA = """
      {"name":"mlp","versions":["1"],"platform":"onnxruntime_onnx",
       "inputs":[{"name":"input","datatype":"FP32","shape":[-1,4]}],
       "outputs":[{"name":"logits","datatype":"FP32","shape":[-1,2]}]}""";

  private HttpServer server;
  private ExecutorService executor;
  private final Set<String> contentTypes = ConcurrentHashMap.newKeySet();
  private final Set<String> headerLengths = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inferCalls = new AtomicInteger();
  private volatile int inferStatus = 200;
  private volatile boolean chunked;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/v2/models/mlp", this::handle);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/v2/models/mlp") && exchange.getRequestMethod().equals("GET")) {
        respond(exchange, 200, METADATA);
        return;
      }
      inferCalls.incrementAndGet();
      contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
      String headerLength =
          exchange.getRequestHeaders().getFirst("Inference-Header-Content-Length");
      headerLengths.add(headerLength == null ? "none" : headerLength);
      respond(exchange, inferStatus, inferStatus == 200
          ? "{\"outputs\":[{\"name\":\"logits\",\"data\":[0.1,0.2]}]}"
          : "{\"error\":\"busy\"}");
    }
  }

  private void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    // length 0 makes the JDK server answer with chunked encoding
    exchange.sendResponseHeaders(status, chunked ? 0 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private LoadGenerator.Builder generator() {
    return LoadGenerator.builder(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "mlp")
        .target("test")
        .concurrency(3)
        .warmup(Duration.ofMillis(50))
        .duration(Duration.ofMillis(300));
  }

  @Test
  void measuresSuccessfulRequestsReadingTheInputsFromModelMetadata() {
    LoadResult result = generator().encoding(Encoding.BINARY).rowsPerRequest(4).build().run();

    assertThat(result.requests()).isPositive();
    assertThat(result.errors()).isEmpty();
    assertThat(result.rowsPerSecond()).isEqualTo(result.requestsPerSecond() * 4);
    assertThat(result.latency().count()).isEqualTo(result.requests());
    assertThat(result.latency().p50Nanos()).isPositive()
        .isLessThanOrEqualTo(result.latency().p99Nanos());
    assertThat(result.latency().p99Nanos()).isLessThanOrEqualTo(result.latency().maxNanos());
    assertThat(inferCalls.get()).isGreaterThanOrEqualTo((int) result.requests());
    assertThat(contentTypes).containsExactly("application/octet-stream");
    assertThat(headerLengths).doesNotContain("none");
  }

  @Test
  void readsChunkedResponsesOnKeptAliveConnections() {
    chunked = true;
    LoadResult result = generator().inputs(List.of(
        new TensorSpec("input", DataType.FP32, Shape.ofSignature(-1, 4)))).build().run();

    assertThat(result.requests()).isPositive();
    assertThat(result.errors()).isEmpty();
    assertThat(contentTypes).containsExactly("application/json");
    assertThat(headerLengths).containsExactly("none");
  }

  @Test
  void countsEveryNonOkStatusAsAnErrorAndNotAsAResult() {
    inferStatus = 503;

    LoadResult result = generator().build().run();

    assertThat(result.requests()).isZero();
    assertThat(result.errors()).containsOnlyKeys("503");
    assertThat(result.errorCount()).isPositive();
    assertThat(result.firstError()).isEqualTo("HTTP 503");
  }

  @Test
  void failsClearlyWhenNothingListens() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    LoadGenerator generator = LoadGenerator.builder(URI.create("http://127.0.0.1:" + port), "mlp")
        .inputs(List.of(new TensorSpec("input", DataType.FP32, Shape.ofSignature(-1, 4))))
        .build();

    assertThatThrownBy(generator::run)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot connect to http://127.0.0.1:" + port);
  }

  @Test
  void closesConnectionsThatStillWaitATimeoutAfterTheEnd() throws IOException {
    // the kernel completes connections to a bound socket that nobody accepts or answers
    try (ServerSocket silent = new ServerSocket(0, 64, InetAddress.getLoopbackAddress())) {
      List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
      LoadResult result = LoadGenerator.builder(
              URI.create("http://127.0.0.1:" + silent.getLocalPort()), "mlp")
          .inputs(List.of(new TensorSpec("input", DataType.FP32, Shape.ofSignature(-1, 4))))
          .concurrency(2)
          .warmup(Duration.ZERO)
          .duration(Duration.ofMillis(100))
          .timeout(Duration.ofMillis(100))
          .progress(progress::add)
          .build()
          .run();

      assertThat(result.requests()).isZero();
      assertThat(progress).anyMatch(line -> line.contains("aborting requests still open"));
    }
  }

  @Test
  void rejectsBadSettingsNamingThem() {
    LoadGenerator.Builder builder = generator();
    assertThatThrownBy(() -> builder.concurrency(0)).hasMessageContaining("concurrency");
    assertThatThrownBy(() -> builder.rowsPerRequest(-2)).hasMessageContaining("-2");
    assertThatThrownBy(() -> builder.duration(Duration.ZERO)).hasMessageContaining("duration");
    assertThatThrownBy(() -> LoadGenerator.builder(URI.create("https://h:1"), "m").build())
        .hasMessageContaining("http://host:port");
    assertThatThrownBy(() -> LoadGenerator.builder(URI.create("http://h:1"), "a/b").build())
        .hasMessageContaining("'a/b'");
  }
}
