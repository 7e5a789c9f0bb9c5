package dev.serval.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.bench.internal.Checks;
import dev.serval.bench.internal.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The gateway benchmark of the issue, with every server in its own JVM: (a) 1-row JSON load on
 * one replica directly and through a gateway in front of it alone, at a few concurrency levels,
 * for the gateway's added latency; (b) load through a gateway in front of three replicas while
 * one of them is killed (SIGKILL): failed requests, the requests in flight on it at that moment
 * (from the gateway's status page), and how long until the gateway routes around it.
 */
public final class GatewayBenchmark {
  private static final String MODEL = "mlp";
  private static final int REPLICAS = 3;
  private static final Duration POLL = Duration.ofMillis(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The gateway's count of answered requests, one line per model, upstream and status. */
  private static final String ANSWERED_METRIC = "serval_gateway_requests_seconds_count{";

  private final Builder config;
  private final HttpClient http = HttpClient.newHttpClient();

  private GatewayBenchmark(Builder config) {
    this.config = config;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts three replicas and two gateways, runs both parts and returns the report; the work
   * folder is removed afterwards.
   *
   * @throws IllegalStateException when a server does not start
   */
  public GatewayReport run() {
    Progress progress = new Progress(config.progress);
    Environment environment = Environment.capture(config.clock);
    Path work = workFolder();
    List<ChildJvmServer> started = new ArrayList<>();
    try {
      Path repository = work.resolve("models");
      ServingBenchmark.writeDefaultModel(repository.resolve(MODEL).resolve("1/model.onnx"));
      List<ChildJvmServer> replicas = new ArrayList<>();
      for (int i = 0; i < REPLICAS; i++) {
        replicas.add(track(started, ChildJvmServer.start(config.command,
            work.resolve("data" + i), List.of("--model-repository", repository.toString()))));
      }
      progress.report("gateway: " + REPLICAS + " replicas started");
      ChildJvmServer single = track(started, gateway(replicas.subList(0, 1)));
      List<GatewayReport.Overhead> overhead = overhead(replicas.get(0), single, progress);
      ChildJvmServer front = track(started, gateway(replicas));
      GatewayReport.Kill kill = kill(front, replicas.get(REPLICAS - 1), progress);
      progress.report("done");
      return new GatewayReport(environment, overhead, kill);
    } finally {
      started.forEach(ChildJvmServer::close);
      RegistryBenchmark.deleteRecursively(work);
    }
  }

  private static ChildJvmServer track(List<ChildJvmServer> started, ChildJvmServer server) {
    started.add(server);
    return server;
  }

  private ChildJvmServer gateway(List<ChildJvmServer> replicas) {
    String upstreams = replicas.stream().map(GatewayBenchmark::address)
        .collect(Collectors.joining(","));
    return ChildJvmServer.run(config.command, List.of("gateway", "--upstream", upstreams,
        "--host", "127.0.0.1", "--port", "0", "--health-interval", "200"));
  }

  /** host:port, as the gateway's --upstream takes it and its status page lists it. */
  private static String address(ChildJvmServer server) {
    return server.baseUrl().getHost() + ":" + server.baseUrl().getPort();
  }

  private List<GatewayReport.Overhead> overhead(ChildJvmServer replica, ChildJvmServer gateway,
      Progress progress) {
    warmUp(gateway, progress);
    List<GatewayReport.Overhead> rows = new ArrayList<>();
    for (int clients : config.clients) {
      LoadResult direct = load(replica.baseUrl(), "direct", clients, config.duration, progress);
      long cpuBefore = gateway.cpuNanos();
      long answeredBefore = answered(gateway);
      LoadResult via = load(gateway.baseUrl(), "via gateway", clients, config.duration, progress);
      double cpuMicros = (gateway.cpuNanos() - cpuBefore) / 1e3
          / Math.max(1, answered(gateway) - answeredBefore);
      rows.add(new GatewayReport.Overhead(clients, direct, via, cpuMicros));
    }
    return rows;
  }

  /**
   * Untimed load through the gateway (and so on the replica), so that the gateway's JIT has
   * compiled its forwarding path before the first measured phase: a fresh JVM given only the
   * phase's few seconds of warmup was measured partly interpreted.
   */
  private void warmUp(ChildJvmServer gateway, Progress progress) {
    if (config.serverWarmup.isZero()) {
      return;
    }
    LoadResult warm = LoadGenerator.builder(gateway.baseUrl(), MODEL)
        .target("gateway warmup")
        .concurrency(config.clients[0])
        .warmup(config.serverWarmup)
        .duration(Duration.ofMillis(100))
        .progress(progress::report)
        .build()
        .run();
    if (warm.errorCount() > 0) {
      throw new IllegalStateException("requests through the gateway failed during its warmup: "
          + warm.firstError());
    }
  }

  /** Requests the gateway has answered so far, from its Prometheus metrics. */
  private long answered(ChildJvmServer gateway) {
    long total = 0;
    for (String line : get(gateway, "/metrics").split("\n")) {
      if (line.startsWith(ANSWERED_METRIC)) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private GatewayReport.Kill kill(ChildJvmServer gateway, ChildJvmServer victim,
      Progress progress) {
    String victimAddress = address(victim);
    CompletableFuture<LoadResult> load = CompletableFuture.supplyAsync(() ->
        load(gateway.baseUrl(), "kill", config.killClients, config.killDuration, progress));
    sleep(config.warmup.plus(config.killDuration.dividedBy(3)));
    int inFlight = upstream(gateway, victimAddress).path("in_flight").asInt();
    long killed = System.nanoTime();
    victim.kill();
    long moved = awaitOutOfRotation(gateway, victimAddress);
    progress.report(String.format("gateway: killed %s with %d requests in flight; out of "
        + "rotation after %.0f ms", victimAddress, inFlight, (moved - killed) / 1e6));
    return new GatewayReport.Kill(config.killClients, inFlight, (moved - killed) / 1e6,
        load.join());
  }

  private long awaitOutOfRotation(ChildJvmServer gateway, String address) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode status = upstream(gateway, address);
      if (!status.path("healthy").asBoolean() || status.path("circuit").asText().equals("OPEN")) {
        return System.nanoTime();
      }
      sleep(POLL);
    }
    throw new IllegalStateException("the gateway still routed to " + address + " 30 s after it "
        + "was killed");
  }

  private JsonNode upstream(ChildJvmServer gateway, String address) {
    String body = get(gateway, "/gateway/upstreams");
    try {
      for (JsonNode u : JSON.readTree(body).path("upstreams")) {
        if (u.path("address").asText().equals(address)) {
          return u;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the gateway's status: " + e.getMessage(), e);
    }
    throw new IllegalStateException("the gateway does not list " + address + ": " + body);
  }

  private String get(ChildJvmServer gateway, String path) {
    try {
      return http.send(HttpRequest.newBuilder(gateway.baseUrl().resolve(path)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the gateway's " + path + ": " + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private LoadResult load(URI url, String target, int clients, Duration duration,
      Progress progress) {
    return LoadGenerator.builder(url, MODEL)
        .target(target)
        .concurrency(clients)
        .warmup(config.warmup)
        .duration(duration)
        .progress(progress::report)
        .build()
        .run();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Path workFolder() {
    try {
      return Files.createTempDirectory("serval-gateway-bench");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work folder: " + e.getMessage(), e);
    }
  }

  /**
   * Settings; the defaults are the run: 20 s of untimed load through the gateway, then
   * overhead at 1, 8 and 32 clients (3 s warmup, 10 s measured each), then 16 clients for 15 s
   * with the kill a third of the way in.
   */
  public static final class Builder {
    private int[] clients = {1, 8, 32};
    private Duration warmup = Duration.ofSeconds(3);
    private Duration duration = Duration.ofSeconds(10);
    private Duration serverWarmup = Duration.ofSeconds(20);
    private int killClients = 16;
    private Duration killDuration = Duration.ofSeconds(15);
    private List<String> command = ChildJvmServer.defaultCommand();
    private Clock clock = Clock.systemUTC();
    private Consumer<String> progress = System.err::println;

    private Builder() {}

    /** Client counts of the overhead phases. */
    public Builder clients(int... clients) {
      this.clients = Checks.positive("clients", clients);
      return this;
    }

    /** Warmup and measured window of each overhead phase; the warmup also precedes the kill. */
    public Builder durations(Duration warmup, Duration measured) {
      this.warmup = Checks.nonNegative("warmup", warmup);
      this.duration = Checks.positive("duration", measured);
      return this;
    }

    /** Untimed load through the gateway before the first overhead phase; zero skips it. */
    public Builder serverWarmup(Duration warmup) {
      this.serverWarmup = Checks.nonNegative("server warmup", warmup);
      return this;
    }

    /** Clients and measured window of the kill phase; the kill comes a third of the way in. */
    public Builder kill(int clients, Duration duration) {
      this.killClients = Checks.positive("kill clients", clients);
      this.killDuration = Checks.positive("kill duration", duration);
      return this;
    }

    /** The Serval CLI to start servers with; by default this JVM's class path. */
    public Builder command(List<String> command) {
      this.command = List.copyOf(command);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder progress(Consumer<String> progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    public GatewayBenchmark build() {
      return new GatewayBenchmark(this);
    }
  }
}
