package dev.serval.bench;

import dev.serval.bench.internal.Checks;
import dev.serval.bench.internal.InferRequestEncoder;
import dev.serval.bench.internal.ModelEndpoint;
import dev.serval.bench.internal.Progress;
import dev.serval.bench.internal.PushClient;
import dev.serval.bench.internal.Swapper;
import dev.serval.bench.internal.SyntheticInputs;
import dev.serval.bench.internal.VersionSampler;
import dev.serval.bench.internal.Workers;
import dev.serval.core.TensorSpec;
import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The zero-downtime swap benchmark of the issue: a server on a fresh registry serves two versions
 * of the serving benchmark's model; closed-loop 1-row load without a version in the path is
 * measured first while version 1 serves alone, then for as long again while another thread moves
 * all traffic to the other version every interval, each change waiting until it is served. A few
 * separate requests read which version answered, which the load generator does not.
 */
public final class SwapBenchmark {
  /** The model's name on the benchmark's server. */
  public static final String MODEL = "mlp";

  private static final Duration CHANGE_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration SAMPLE_PERIOD = Duration.ofMillis(50);
  private static final long INPUT_SEED = 42;

  private final Builder config;

  private SwapBenchmark(Builder config) {
    this.config = config.copy();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the server, pushes both versions, runs both phases and returns the report; the
   * server's data folder is removed afterwards.
   *
   * @throws IllegalStateException when the server does not start, a push does not end READY or
   *     the first deployment is refused
   */
  public SwapReport run() {
    Progress progress = new Progress(config.progress);
    Environment environment = Environment.capture(config.clock);
    Path work = createWorkFolder();
    try (RunningServer server = config.starter.start(work.resolve("data"))) {
      PushClient client = new PushClient(server.baseUrl(), CHANGE_TIMEOUT);
      pushBothVersions(client, work, progress);
      client.deployAllTraffic(MODEL, 1);
      List<TensorSpec> inputs =
          new ModelEndpoint(server.baseUrl(), MODEL, null).fetchInputs(REQUEST_TIMEOUT);
      LoadResult steady = load(server.baseUrl(), inputs, config.warmup, "steady", progress);
      return swapPhase(server.baseUrl(), client, inputs, progress)
          .report(environment, config, steady);
    } finally {
      RegistryBenchmark.deleteRecursively(work);
    }
  }

  private static void pushBothVersions(PushClient client, Path work, Progress progress) {
    for (int version = 1; version <= 2; version++) {
      Path file = work.resolve("v" + version + ".onnx");
      // a different seed per version, so that the answers differ as a real new version's would
      SampleModels.write(ServingBenchmark.defaultModel(
          ServingBenchmark.DEFAULT_MODEL_SEED + version - 1), file);
      client.pushReady(MODEL, file);
    }
    progress.report("swap: pushed versions 1 and 2 of " + MODEL + "; version 1 serves");
  }

  private LoadResult load(URI base, List<TensorSpec> inputs, Duration warmup, String target,
      Progress progress) {
    return LoadGenerator.builder(base, MODEL)
        .target(target)
        .inputs(inputs)
        .concurrency(config.clients)
        .warmup(warmup)
        .duration(config.duration)
        .timeout(REQUEST_TIMEOUT)
        .seed(INPUT_SEED)
        .progress(progress::report)
        .build()
        .run();
  }

  /**
   * The measured load with the swapper and the version sampler beside it. The swap phase follows
   * the steady one on a warm server, so it has no warmup of its own; the swapper's and sampler's
   * window starts a few milliseconds before the load's, while the clients connect.
   */
  private SwapPhase swapPhase(URI base, PushClient client, List<TensorSpec> inputs,
      Progress progress) {
    ModelEndpoint endpoint = new ModelEndpoint(base, MODEL, null);
    byte[] body = InferRequestEncoder.jsonBody(SyntheticInputs.create(inputs, 1, INPUT_SEED));
    long start = System.nanoTime();
    long end = start + config.duration.toNanos();
    Swapper swapper = new Swapper(client, MODEL, List.of(2, 1), config.swapInterval, start, end);
    VersionSampler sampler =
        new VersionSampler(endpoint, body, SAMPLE_PERIOD, REQUEST_TIMEOUT, end);
    Workers workers = Workers.start("serval-bench-swap-", List.of(swapper, sampler));
    LoadResult load = load(base, inputs, Duration.ZERO, "during swaps", progress);
    workers.await();
    SwapTimings timings = timingsReported(swapper, progress);
    return new SwapPhase(load, timings, sampler.result());
  }

  private static SwapTimings timingsReported(Swapper swapper, Progress progress) {
    SwapTimings t = swapper.timings();
    progress.report(String.format(Locale.ROOT,
        "swap: %d changes, %d failed, p50 %.1f ms, max %.1f ms", t.done(), t.failed(),
        t.latency().p50Nanos() / 1e6, t.latency().maxNanos() / 1e6));
    return t;
  }

  private record SwapPhase(LoadResult load, SwapTimings swaps, VersionSample versions) {
    SwapReport report(Environment environment, Builder config, LoadResult steady) {
      return new SwapReport(environment, config.clients, config.swapInterval.toMillis() / 1000.0,
          steady, load, swaps, versions);
    }
  }

  private static Path createWorkFolder() {
    try {
      return Files.createTempDirectory("serval-swap-bench");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work folder: " + e.getMessage(), e);
    }
  }

  /**
   * Settings; the defaults are the run: 16 clients, 5 s warmup, 20 s per phase, a change
   * every 2 s.
   */
  public static final class Builder {
    private int clients = 16;
    private Duration warmup = Duration.ofSeconds(5);
    private Duration duration = Duration.ofSeconds(20);
    private Duration swapInterval = Duration.ofSeconds(2);
    private RegistryServerStarter starter = dataDir -> ChildJvmServer.start(
        ChildJvmServer.defaultCommand(), dataDir);
    private Clock clock = Clock.systemUTC();
    private Consumer<String> progress = System.err::println;

    private Builder() {}

    /** Closed-loop clients of both phases, 1 to 1024. */
    public Builder clients(int clients) {
      if (clients < 1 || clients > 1024) {
        throw new IllegalArgumentException("clients must be 1..1024 but was " + clients);
      }
      this.clients = clients;
      return this;
    }

    /** Untimed load before the steady phase, and the measured window of each phase. */
    public Builder durations(Duration warmup, Duration measured) {
      this.warmup = Checks.nonNegative("warmup", warmup);
      this.duration = Checks.positive("duration", measured);
      return this;
    }

    /** How often a deployment change starts during the swap phase. */
    public Builder swapInterval(Duration interval) {
      this.swapInterval = Checks.positive("swapInterval", interval);
      return this;
    }

    /** How the server is started; by default {@code serve} in a child JVM of this class path. */
    public Builder serverStarter(RegistryServerStarter starter) {
      this.starter = Objects.requireNonNull(starter, "serverStarter");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Receives progress lines; standard error by default. */
    public Builder progress(Consumer<String> progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /** @throws IllegalStateException when no change would start inside the swap phase */
    public SwapBenchmark build() {
      if (swapInterval.compareTo(duration) >= 0) {
        throw new IllegalStateException("swapInterval must be shorter than the duration ("
            + duration + ") but was " + swapInterval);
      }
      return new SwapBenchmark(this);
    }

    private Builder copy() {
      Builder copy = new Builder();
      copy.clients = clients;
      copy.warmup = warmup;
      copy.duration = duration;
      copy.swapInterval = swapInterval;
      copy.starter = starter;
      copy.clock = clock;
      copy.progress = progress;
      return copy;
    }
  }
}
