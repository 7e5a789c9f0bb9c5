package dev.serval.bench;

import dev.serval.bench.internal.BenchCommand;
import dev.serval.bench.internal.Checks;
import dev.serval.bench.internal.Progress;
import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The whole benchmark of the issue in one run: raw in-process runtime speed at each batch size,
 * then — when a server URL is given — closed-loop load with 1-row requests (JSON and binary) at
 * high concurrency and with many-row requests at low concurrency, optionally the same 1-row JSON
 * load against a peer service, and finally a report with the targets checked.
 *
 * <p>The server (and peer) must already be serving the same model under {@link
 * Builder#modelName}; {@link #writeDefaultModel} writes the benchmark MLP for them.
 */
public final class ServingBenchmark {
  /** Seed of the default benchmark model; any fixed value gives the same speed. */
  public static final long DEFAULT_MODEL_SEED = 42;

  private final Builder config;

  private ServingBenchmark(Builder config) {
    this.config = config.copy();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The default benchmark model: an MLP classifier 64 → 256 → 256 → 10 (FP32). */
  public static void writeDefaultModel(Path file) {
    SampleModels.write(defaultModel(DEFAULT_MODEL_SEED), file);
  }

  /** The default benchmark model's architecture with weights drawn from {@code seed}. */
  static byte[] defaultModel(long seed) {
    return SampleModels.mlp(64, new int[] {256, 256}, 10, seed);
  }

  /** Command-line entry; see {@link #runCommand}. */
  public static void main(String[] args) {
    System.exit(runCommand(args, System.out, System.err));
  }

  /**
   * Runs the benchmark from command-line options ({@code --help} lists them), printing progress to
   * {@code err} and the report to {@code out}, for a CLI to delegate to.
   *
   * @return the exit code: 0 on success, 2 on bad arguments, 1 when the benchmark failed
   */
  public static int runCommand(String[] args, PrintStream out, PrintStream err) {
    return BenchCommand.run(args, out, err);
  }

  /**
   * Runs every configured phase in turn and returns the report; phases report progress as they go.
   *
   * @throws IllegalStateException when the server or peer cannot be reached
   * @throws dev.serval.core.ModelLoadException when the model cannot be loaded in process
   */
  public BenchmarkReport run() {
    Progress progress = new Progress(config.progress);
    Environment environment = Environment.capture(config.clock);
    Path model = config.model != null ? config.model : defaultModelFile();
    List<RuntimeResult> runtime = new ArrayList<>();
    for (ThreadLayout layout : config.runtimeLayouts) {
      runtime.addAll(RuntimeBenchmark.builder(model)
          .batchSizes(config.runtimeBatchSizes)
          .instances(layout.instances())
          .intraOpThreads(layout.intraOpThreads())
          .warmup(config.runtimeWarmup)
          .duration(config.runtimeDuration)
          .progress(progress::report)
          .build()
          .run());
    }
    List<LoadResult> load = new ArrayList<>();
    if (config.server != null) {
      List<Phase> phases = serverPhases();
      warmUpServer(phases, progress);
      for (Phase phase : phases) {
        load.add(loadPhase(config.server, BenchmarkReport.SERVER, phase.encoding(), phase.rows(),
            phase.clients(), progress));
      }
    }
    if (config.peer != null) {
      for (int clients : config.singleRowClients) {
        load.add(loadPhase(config.peer, config.peerName, Encoding.JSON, 1, clients, progress));
      }
    }
    progress.report("done");
    return new BenchmarkReport(environment, runtime, load, config.serverLayout);
  }

  /** One measured load phase against the server. */
  private record Phase(Encoding encoding, int rows, int clients) {}

  private List<Phase> serverPhases() {
    List<Phase> phases = new ArrayList<>();
    for (Encoding encoding : config.singleRowEncodings) {
      for (int clients : config.singleRowClients) {
        phases.add(new Phase(encoding, 1, clients));
      }
    }
    if (!config.grpcComparison) {
      for (Encoding encoding : List.of(Encoding.JSON, Encoding.BINARY)) {
        for (int clients : config.multiRowClients) {
          phases.add(new Phase(encoding, config.multiRowRows, clients));
        }
      }
    }
    return phases;
  }

  /**
   * Runs every request shape the server phases use, untimed, so that the server's JIT has
   * compiled its decoding, batching and encoding paths before the first measured phase (a few
   * seconds per phase is not enough for a freshly started JVM).
   */
  private void warmUpServer(List<Phase> phases, Progress progress) {
    if (config.serverWarmup.isZero()) {
      return;
    }
    Set<Phase> shapes = new LinkedHashSet<>();
    phases.forEach(p -> shapes.add(new Phase(p.encoding(), p.rows(), 0)));
    Duration each = config.serverWarmup.dividedBy(shapes.size());
    for (Phase shape : shapes) {
      LoadGenerator.builder(config.server, config.modelName)
          .target(BenchmarkReport.SERVER)
          .encoding(shape.encoding())
          .rowsPerRequest(shape.rows())
          .concurrency(config.singleRowClients[0])
          .warmup(each)
          .duration(Duration.ofMillis(100))
          .progress(progress::report)
          .build()
          .run();
    }
  }

  private LoadResult loadPhase(URI url, String target, Encoding encoding, int rows, int clients,
      Progress progress) {
    return LoadGenerator.builder(url, config.modelName)
        .target(target)
        .encoding(encoding)
        .rowsPerRequest(rows)
        .concurrency(clients)
        .warmup(config.warmup)
        .duration(config.duration)
        .progress(progress::report)
        .build()
        .run();
  }

  private static Path defaultModelFile() {
    try {
      Path file = Files.createTempFile("serval-bench-mlp", ".onnx");
      file.toFile().deleteOnExit();
      writeDefaultModel(file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the benchmark model: " + e.getMessage(), e);
    }
  }

  /**
   * Settings with short defaults (a full run takes about three minutes): load phases 3 s warmup +
   * 10 s measured, runtime phases 1 s + 5 s at batch 1, 8 and 64 in layouts 1x1, 1xN and Nx1 for
   * N cores, 1-row load at 16 and 32 clients, 64-row load at 4 and 8 clients.
   */
  public static final class Builder {
    private Path model;
    private URI server;
    private URI peer;
    private String peerName = "fastapi-torch";
    private String modelName = "mlp";
    private Duration warmup = Duration.ofSeconds(3);
    private Duration serverWarmup = Duration.ofSeconds(20);
    private ThreadLayout serverLayout = defaultServerLayout(
        Runtime.getRuntime().availableProcessors());
    private Duration duration = Duration.ofSeconds(10);
    private Duration runtimeWarmup = Duration.ofSeconds(1);
    private Duration runtimeDuration = Duration.ofSeconds(5);
    private int[] runtimeBatchSizes = {1, 8, 64};
    private List<ThreadLayout> runtimeLayouts = defaultLayouts(
        Runtime.getRuntime().availableProcessors(), serverLayout);
    private int[] singleRowClients = {16, 32};
    private int[] multiRowClients = {4, 8};
    private int multiRowRows = 64;
    private boolean grpcComparison;
    private List<Encoding> singleRowEncodings = List.of(Encoding.JSON, Encoding.BINARY);
    private Clock clock = Clock.systemUTC();
    private Consumer<String> progress = System.err::println;

    private Builder() {}

    /** The model file measured in process; the default benchmark MLP when not set. */
    public Builder model(Path model) {
      if (!Files.isRegularFile(Objects.requireNonNull(model, "model"))) {
        throw new IllegalArgumentException("model must be a file but was '" + model + "'");
      }
      this.model = model;
      return this;
    }

    /** The Serval server to load, e.g. {@code http://127.0.0.1:8000}; no load phases without. */
    public Builder server(URI server) {
      this.server = Objects.requireNonNull(server, "server");
      return this;
    }

    /** A peer service for the 1-row JSON comparison, serving the same model under the same name. */
    public Builder peer(URI peer, String name) {
      this.peer = Objects.requireNonNull(peer, "peer");
      if (name == null || name.isBlank() || name.equals(BenchmarkReport.SERVER)) {
        throw new IllegalArgumentException("peer name must be non-blank and not '"
            + BenchmarkReport.SERVER + "' but was '" + name + "'");
      }
      this.peerName = name;
      return this;
    }

    /** The model's name on the server and the peer; {@code mlp} by default. */
    public Builder modelName(String name) {
      this.modelName = Objects.requireNonNull(name, "modelName");
      return this;
    }

    /** Warmup and measured window of each load phase. */
    public Builder loadDurations(Duration warmup, Duration measured) {
      this.warmup = Checks.nonNegative("warmup", warmup);
      this.duration = Checks.positive("measured", measured);
      return this;
    }

    /** Untimed load before the first server phase, spread over every request shape. */
    public Builder serverWarmup(Duration warmup) {
      this.serverWarmup = Checks.nonNegative("server warmup", warmup);
      return this;
    }

    /**
     * The server's runtime threads (instances x intra-op threads): many-row results are compared
     * with the raw runtime in this layout, "the same number of threads". The default is Serval's
     * default config: one instance using half the cores.
     */
    public Builder serverLayout(ThreadLayout layout) {
      this.serverLayout = Objects.requireNonNull(layout, "serverLayout");
      return this;
    }

    /** Warmup and measured window of each runtime phase. */
    public Builder runtimeDurations(Duration warmup, Duration measured) {
      this.runtimeWarmup = Checks.nonNegative("runtime warmup", warmup);
      this.runtimeDuration = Checks.positive("runtime measured", measured);
      return this;
    }

    public Builder runtimeBatchSizes(int... sizes) {
      this.runtimeBatchSizes = Checks.positive("runtimeBatchSizes", sizes);
      return this;
    }

    /** Thread layouts of the runtime phases; none skips the runtime phases. */
    public Builder runtimeLayouts(List<ThreadLayout> layouts) {
      this.runtimeLayouts = List.copyOf(layouts);
      return this;
    }

    /** Client counts of the 1-row load phases. */
    public Builder singleRowClients(int... clients) {
      this.singleRowClients = Checks.positive("singleRowClients", clients);
      return this;
    }

    /** Rows per request and client counts of the many-row load phases. */
    public Builder multiRow(int rows, int... clients) {
      if (rows < 2) {
        throw new IllegalArgumentException("multi-row requests need rows >= 2 but was " + rows);
      }
      this.multiRowRows = rows;
      this.multiRowClients = Checks.positive("multiRowClients", clients);
      return this;
    }

    /**
     * Measures 1-row REST JSON and then 1-row gRPC at each of the {@link #singleRowClients}
     * counts instead of the usual load phases, to compare the two protocols on one server.
     */
    public Builder grpcComparison() {
      this.grpcComparison = true;
      this.singleRowEncodings = List.of(Encoding.JSON, Encoding.GRPC);
      return this;
    }

    /** The clock that stamps the report. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Receives progress lines; standard error by default. */
    public Builder progress(Consumer<String> progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    public ServingBenchmark build() {
      return new ServingBenchmark(this);
    }

    private Builder copy() {
      Builder copy = new Builder();
      copy.model = model;
      copy.server = server;
      copy.peer = peer;
      copy.peerName = peerName;
      copy.modelName = modelName;
      copy.warmup = warmup;
      copy.serverWarmup = serverWarmup;
      copy.serverLayout = serverLayout;
      copy.duration = duration;
      copy.runtimeWarmup = runtimeWarmup;
      copy.runtimeDuration = runtimeDuration;
      copy.runtimeBatchSizes = runtimeBatchSizes.clone();
      copy.runtimeLayouts = runtimeLayouts;
      copy.singleRowClients = singleRowClients.clone();
      copy.multiRowClients = multiRowClients.clone();
      copy.multiRowRows = multiRowRows;
      copy.grpcComparison = grpcComparison;
      copy.singleRowEncodings = singleRowEncodings;
      copy.clock = clock;
      copy.progress = progress;
      return copy;
    }

    static List<ThreadLayout> defaultLayouts(int cores, ThreadLayout serverLayout) {
      Set<ThreadLayout> layouts = new LinkedHashSet<>(List.of(
          new ThreadLayout(1, 1), new ThreadLayout(1, cores), new ThreadLayout(cores, 1),
          serverLayout));
      return List.copyOf(layouts);
    }

    static ThreadLayout defaultServerLayout(int cores) {
      return new ThreadLayout(1, Math.max(1, cores / 2));
    }
  }
}
