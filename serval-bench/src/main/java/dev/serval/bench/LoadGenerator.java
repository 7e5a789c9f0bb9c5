package dev.serval.bench;

import dev.serval.bench.internal.Checks;
import dev.serval.bench.internal.HttpConnection;
import dev.serval.bench.internal.InferRequestEncoder;
import dev.serval.bench.internal.LatencyHistogram;
import dev.serval.bench.internal.MeasuredLoop;
import dev.serval.bench.internal.ModelEndpoint;
import dev.serval.bench.internal.Progress;
import dev.serval.bench.internal.SyntheticInputs;
import dev.serval.bench.internal.Workers;
import dev.serval.core.TensorSpec;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Closed-loop load against an Open Inference Protocol server: {@code concurrency} clients, each
 * with its own keep-alive HTTP/1.1 connection and thread, send the same prebuilt inference request,
 * wait for the response and repeat, through a warmup and then a measured window.
 *
 * <p>The client is deliberately minimal (prebuilt bytes, status line and body length only) because
 * it usually shares the CPU with the server it measures.
 */
public final class LoadGenerator {
  static final String IO_ERROR = "io-error";
  private static final long IO_ERROR_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final URI serverUrl;
  private final ModelEndpoint endpoint;
  private final List<TensorSpec> inputs;
  private final int rowsPerRequest;
  private final Encoding encoding;
  private final int concurrency;
  private final Duration warmup;
  private final Duration duration;
  private final Duration timeout;
  private final long seed;
  private final String target;
  private final Consumer<String> progress;

  private LoadGenerator(Builder b) {
    this.serverUrl = b.serverUrl;
    this.endpoint = new ModelEndpoint(b.serverUrl, b.model, b.version);
    this.inputs = b.inputs;
    this.rowsPerRequest = b.rowsPerRequest;
    this.encoding = b.encoding;
    this.concurrency = b.concurrency;
    this.warmup = b.warmup;
    this.duration = b.duration;
    this.timeout = b.timeout;
    this.seed = b.seed;
    this.target = b.target;
    this.progress = b.progress;
  }

  /**
   * @param serverUrl e.g. {@code http://127.0.0.1:8000}
   * @param model the model name
   */
  public static Builder builder(URI serverUrl, String model) {
    return new Builder(serverUrl, model);
  }

  /**
   * Runs the warmup and the measured window and returns what was measured.
   *
   * @throws IllegalStateException when the server cannot be reached or its model metadata read
   */
  public LoadResult run() {
    List<TensorSpec> specs = inputs != null ? inputs : endpoint.fetchInputs(timeout);
    byte[] request = InferRequestEncoder.httpRequest(endpoint.hostHeader(), endpoint.inferPath(),
        SyntheticInputs.create(specs, rowsPerRequest, seed), encoding);
    List<Client> clients = connectClients(request);
    progress.accept(describe() + ": warmup " + Progress.seconds(warmup) + ", measure "
        + Progress.seconds(duration));
    long measureStart = System.nanoTime() + warmup.toNanos();
    long end = measureStart + duration.toNanos();
    List<Runnable> loops = clients.stream()
        .<Runnable>map(client -> () -> client.loop(measureStart, end))
        .toList();
    Workers workers = Workers.start("serval-bench-client-", loops);
    try {
      if (!workers.awaitUntil(measureStart)) {
        progress.accept(describe() + ": measuring");
      }
      if (!workers.awaitUntil(end + timeout.toNanos())) {
        progress.accept(describe() + ": aborting requests still open " + Progress.seconds(timeout)
            + " after the end");
        clients.forEach(client -> client.connection.abort());
      }
      workers.await();
    } finally {
      clients.forEach(client -> client.connection.close());
    }
    return summarize(clients);
  }

  private List<Client> connectClients(byte[] request) {
    List<Client> clients = new ArrayList<>();
    try {
      for (int i = 0; i < concurrency; i++) {
        HttpConnection connection = new HttpConnection(endpoint.address(), timeout.toMillis());
        clients.add(new Client(connection, request));
        connection.connect();
      }
    } catch (IOException e) {
      clients.forEach(c -> c.connection.close());
      throw new IllegalStateException("cannot connect to " + serverUrl + ": " + e.getMessage(), e);
    }
    return clients;
  }

  private LoadResult summarize(List<Client> clients) {
    LatencyHistogram histogram = new LatencyHistogram();
    Map<String, Long> errors = new HashMap<>();
    String firstError = null;
    for (Client client : clients) {
      histogram.add(client.histogram);
      client.errors.forEach((status, count) -> errors.merge(status, count, Long::sum));
      if (firstError == null) {
        firstError = client.firstError;
      }
    }
    double seconds = duration.toNanos() / 1e9;
    long requests = histogram.count();
    LoadResult result = new LoadResult(target, encoding, rowsPerRequest, concurrency, seconds,
        requests, requests / seconds, requests * (double) rowsPerRequest / seconds,
        histogram.summary(), errors, firstError);
    progress.accept(describe() + ": " + BenchmarkReport.oneLine(result));
    return result;
  }

  private String describe() {
    return "load " + target + " " + encoding + " rows=" + rowsPerRequest + " clients="
        + concurrency;
  }

  /** One connection's request loop and its private tallies; read only after its thread ends. */
  private static final class Client implements MeasuredLoop.Operation {
    final HttpConnection connection;
    final byte[] request;
    final LatencyHistogram histogram = new LatencyHistogram();
    final Map<String, Long> errors = new HashMap<>();
    String firstError;
    private int lastStatus;
    private IOException lastFailure;

    Client(HttpConnection connection, byte[] request) {
      this.connection = connection;
      this.request = request;
    }

    void loop(long measureStart, long end) {
      MeasuredLoop.repeat(this, measureStart, end, histogram);
    }

    @Override
    public boolean attempt() {
      try {
        lastStatus = connection.exchange(request);
        lastFailure = null;
      } catch (IOException e) {
        lastStatus = -1;
        lastFailure = e;
        // a refused or reset connection fails fast; do not spin on it
        LockSupport.parkNanos(IO_ERROR_BACKOFF_NANOS);
      }
      return lastStatus == 200;
    }

    @Override
    public void countFailure() {
      errors.merge(lastStatus < 0 ? IO_ERROR : Integer.toString(lastStatus), 1L, Long::sum);
      if (firstError == null) {
        firstError = lastFailure != null ? lastFailure.toString() : "HTTP " + lastStatus;
      }
    }
  }

  /** Validating builder; every setting has a default except the server and model. */
  public static final class Builder {
    private final URI serverUrl;
    private final String model;
    private String version;
    private List<TensorSpec> inputs;
    private int rowsPerRequest = 1;
    private Encoding encoding = Encoding.JSON;
    private int concurrency = 16;
    private Duration warmup = Duration.ofSeconds(3);
    private Duration duration = Duration.ofSeconds(10);
    private Duration timeout = Duration.ofSeconds(30);
    private long seed = 42;
    private String target = "server";
    private Consumer<String> progress = line -> { };

    private Builder(URI serverUrl, String model) {
      this.serverUrl = Objects.requireNonNull(serverUrl, "serverUrl");
      this.model = Objects.requireNonNull(model, "model");
    }

    /** A model version; without it the server's default version is used. */
    public Builder version(String version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /** The model's inputs; without them they are read from the model's metadata endpoint. */
    public Builder inputs(List<TensorSpec> inputs) {
      if (inputs.isEmpty()) {
        throw new IllegalArgumentException("inputs must not be empty");
      }
      this.inputs = List.copyOf(inputs);
      return this;
    }

    public Builder rowsPerRequest(int rows) {
      this.rowsPerRequest = Checks.positive("rowsPerRequest", rows);
      return this;
    }

    public Builder encoding(Encoding encoding) {
      this.encoding = Objects.requireNonNull(encoding, "encoding");
      return this;
    }

    /** Number of clients, each with one connection and one thread; 1 to 1024. */
    public Builder concurrency(int clients) {
      if (clients < 1 || clients > 1024) {
        throw new IllegalArgumentException("concurrency must be 1..1024 but was " + clients);
      }
      this.concurrency = clients;
      return this;
    }

    public Builder warmup(Duration warmup) {
      this.warmup = Checks.nonNegative("warmup", warmup);
      return this;
    }

    public Builder duration(Duration duration) {
      this.duration = Checks.positive("duration", duration);
      return this;
    }

    /**
     * How long to wait for a connection, and for the last responses after the measured window
     * before the connections are closed under them.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive("timeout", timeout);
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The name the result carries, e.g. {@code serval}. */
    public Builder target(String target) {
      if (target == null || target.isBlank()) {
        throw new IllegalArgumentException("target must not be blank but was '" + target + "'");
      }
      this.target = target;
      return this;
    }

    /** Receives one line when each stage of the phase starts and ends. */
    public Builder progress(Consumer<String> progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /** @throws IllegalArgumentException when the server URL or a name is invalid */
    public LoadGenerator build() {
      return new LoadGenerator(this);
    }
  }
}
