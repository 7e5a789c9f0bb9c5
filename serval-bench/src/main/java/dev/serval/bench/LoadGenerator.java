package dev.serval.bench;

import dev.serval.bench.internal.Checks;
import dev.serval.bench.internal.ClosedLoop;
import dev.serval.bench.internal.GrpcInferClients;
import dev.serval.bench.internal.GrpcInferRequests;
import dev.serval.bench.internal.HttpInferClients;
import dev.serval.bench.internal.InferClients;
import dev.serval.bench.internal.InferRequestEncoder;
import dev.serval.bench.internal.LatencyHistogram;
import dev.serval.bench.internal.ModelEndpoint;
import dev.serval.bench.internal.Progress;
import dev.serval.bench.internal.SyntheticInputs;
import dev.serval.bench.internal.RequestFailure;
import dev.serval.bench.internal.Workers;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Closed-loop load against an Open Inference Protocol server: {@code concurrency} clients send
 * the same prebuilt inference request, wait for the response and repeat, through a warmup and
 * then a measured window. REST clients each have their own thread and keep-alive HTTP/1.1
 * connection; gRPC clients are concurrent asynchronous calls on one HTTP/2 connection, each
 * started from the previous one's callback.
 *
 * <p>The REST client is deliberately minimal (prebuilt bytes, status line and body length only)
 * because it usually shares the CPU with the server it measures.
 */
public final class LoadGenerator {
  private final URI serverUrl;
  private final String model;
  private final String version;
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
    this.model = b.model;
    this.version = b.version;
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
    try (InferClients connected = connect(SyntheticInputs.create(specs, rowsPerRequest, seed))) {
      return measure(connected);
    }
  }

  private LoadResult measure(InferClients connected) {
    progress.accept(describe() + ": warmup " + Progress.seconds(warmup) + ", measure "
        + Progress.seconds(duration));
    long measureStart = System.nanoTime() + warmup.toNanos();
    long end = measureStart + duration.toNanos();
    List<Client> clients =
        Stream.generate(() -> new Client(measureStart, end)).limit(concurrency).toList();
    Workers workers = connected.start(clients);
    if (!workers.awaitUntil(measureStart)) {
      progress.accept(describe() + ": measuring");
    }
    if (!workers.awaitUntil(end + timeout.toNanos())) {
      progress.accept(describe() + ": aborting requests still open " + Progress.seconds(timeout)
          + " after the end");
      connected.abort();
    }
    workers.await();
    return summarize(clients);
  }

  private InferClients connect(List<Tensor> inputs) {
    if (encoding == Encoding.GRPC) {
      return GrpcInferClients.connect(endpoint.address(), timeout,
          GrpcInferRequests.modelInfer(model, version, inputs));
    }
    byte[] request = InferRequestEncoder.httpRequest(endpoint.hostHeader(), endpoint.inferPath(),
        inputs, encoding);
    try {
      return HttpInferClients.connect(endpoint.address(), timeout.toMillis(), concurrency,
          request);
    } catch (IOException e) {
      throw new IllegalStateException("cannot connect to " + serverUrl + ": " + e.getMessage(), e);
    }
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

  /**
   * One client's window and private tallies: it counts what ends inside [measureStart, end).
   * Its calls never overlap; the tallies are read only after its loop has ended.
   */
  private static final class Client implements ClosedLoop {
    final long measureStart;
    final long end;
    final LatencyHistogram histogram = new LatencyHistogram();
    final Map<String, Long> errors = new HashMap<>();
    String firstError;

    Client(long measureStart, long end) {
      this.measureStart = measureStart;
      this.end = end;
    }

    @Override
    public boolean sendsAt(long now) {
      return now < end;
    }

    @Override
    public void completed(long start, RequestFailure failure) {
      long finish = System.nanoTime();
      if (finish < measureStart || finish >= end) {
        return;
      }
      if (failure == null) {
        histogram.record(finish - start);
        return;
      }
      errors.merge(failure.key(), 1L, Long::sum);
      if (firstError == null) {
        firstError = failure.description();
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

    /**
     * Number of clients: over REST each with one thread and connection, over gRPC each one call
     * in flight on the one connection; 1 to 1024.
     */
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
