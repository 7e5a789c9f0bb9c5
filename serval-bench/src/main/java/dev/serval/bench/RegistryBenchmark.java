package dev.serval.bench;

import dev.serval.bench.internal.Checks;
import dev.serval.bench.internal.GetLoop;
import dev.serval.bench.internal.Progress;
import dev.serval.bench.internal.PushBreakdown;
import dev.serval.bench.internal.PushClient;
import dev.serval.bench.internal.RegistrySeeder;
import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The registry benchmark of the issue: (1) push a large model over the management API with
 * {@code wait=true}, so the time covers upload, hash, store and validation until READY, against
 * copying the same file on the same disk; (2) read a registry holding one model with many versions
 * and many further models (get model, get version, version and model pages) and report the
 * latency of each read. Each scenario runs against a real server on a fresh data folder.
 */
public final class RegistryBenchmark {
  /** The model pushed in scenario 1. */
  public static final String PUSHED_MODEL = "big";
  /** The model with many versions in scenario 2. */
  public static final String MANY_VERSIONS_MODEL = "many-versions";

  private static final int PAGE = 100;
  private static final int RANDOM_VERSIONS = 1000;
  private static final Duration PUSH_TIMEOUT = Duration.ofMinutes(10);

  private final Builder config;

  private RegistryBenchmark(Builder config) {
    this.config = config.copy();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The pushed model: an MLP 64 → width → width → 10; width 5000 gives about 101 MB. */
  public static byte[] pushedModel(int width) {
    return SampleModels.mlp(64, new int[] {width, width}, 10, ServingBenchmark.DEFAULT_MODEL_SEED);
  }

  /**
   * Runs the configured scenarios and returns the report; the work folder is removed afterwards.
   *
   * @throws IllegalStateException when a server does not start or a push does not end READY
   */
  public RegistryReport run() {
    Progress progress = new Progress(config.progress);
    Environment environment = Environment.capture(config.clock);
    Path work = createWorkFolder();
    try {
      PushResult push = config.pushes == 0 ? null : pushScenario(work, progress);
      List<EndpointResult> reads =
          config.versions == 0 ? List.of() : readScenario(work, progress);
      progress.report("done");
      return new RegistryReport(environment, push, config.versions, config.otherModels, reads);
    } finally {
      deleteRecursively(work);
    }
  }

  private PushResult pushScenario(Path work, Progress progress) {
    Path model = work.resolve("model.onnx");
    SampleModels.write(pushedModel(config.pushWidth), model);
    long size = size(model);
    progress.report(String.format(Locale.ROOT, "push: wrote a %.1f MB model; timing its parts",
        size / 1e6));
    List<StepTiming> breakdown = PushBreakdown.measure(model, work.resolve("breakdown"));
    List<Long> copies = new ArrayList<>();
    List<Long> pushes = new ArrayList<>();
    try (RunningServer server = config.starter.start(work.resolve("push-data"))) {
      PushClient client = new PushClient(server.baseUrl(), PUSH_TIMEOUT);
      for (int i = 0; i < config.warmupPushes; i++) {
        client.awaitServed(PUSHED_MODEL, client.pushReady(PUSHED_MODEL, model));
      }
      for (int i = 0; i < config.pushes; i++) {
        copies.add(timedCopy(model, work.resolve("copy.onnx")));
        long start = System.nanoTime();
        int version = client.pushReady(PUSHED_MODEL, model);
        pushes.add(System.nanoTime() - start);
        // untimed: the server loads each READY version in the background, and that load must not
        // compete with the next round
        client.awaitServed(PUSHED_MODEL, version);
        progress.report(String.format(Locale.ROOT, "push %d/%d: copy %.3f s, push %.3f s", i + 1,
            config.pushes, copies.get(i) / 1e9, pushes.get(i) / 1e9));
      }
    }
    return new PushResult(size, copies, pushes, breakdown);
  }

  /**
   * Copies to a new file and syncs it, as the artifact store syncs every upload before it
   * publishes it; the copy is deleted again, untimed.
   */
  static long timedCopy(Path from, Path to) {
    try {
      long start = System.nanoTime();
      Files.copy(from, to);
      try (FileChannel channel = FileChannel.open(to, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      long nanos = System.nanoTime() - start;
      Files.delete(to);
      return nanos;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from + ": " + e.getMessage(), e);
    }
  }

  private List<EndpointResult> readScenario(Path work, Progress progress) {
    Path data = work.resolve("read-data");
    long start = System.nanoTime();
    RegistrySeeder.seed(data, SampleModels.mlp(4, new int[] {8}, 3, 1), MANY_VERSIONS_MODEL,
        config.versions, config.otherModels, config.seedThreads);
    progress.report(String.format(Locale.ROOT, "reads: seeded %,d versions and %,d models in "
        + "%.1f s; starting the server", config.versions, config.otherModels,
        (System.nanoTime() - start) / 1e9));
    try (RunningServer server = config.starter.start(data)) {
      GetLoop loop = new GetLoop(server.baseUrl(), config.warmupRequests, config.requests);
      List<EndpointResult> results = new ArrayList<>();
      for (ReadEndpoint endpoint : readEndpoints()) {
        EndpointResult result = loop.run(endpoint.name(), endpoint.paths());
        progress.report("reads: " + endpoint.name() + " " + oneLine(result));
        results.add(result);
      }
      return results;
    }
  }

  /** What scenario 2 reads, each as the paths requested in turn. */
  List<ReadEndpoint> readEndpoints() {
    String model = "/api/v1/models/" + MANY_VERSIONS_MODEL;
    List<ReadEndpoint> endpoints = new ArrayList<>();
    endpoints.add(new ReadEndpoint("GET model", List.of(model)));
    SplittableRandom random = new SplittableRandom(config.seed);
    endpoints.add(new ReadEndpoint("GET version (random)", Stream.generate(
        () -> model + "/versions/" + (1 + random.nextInt(config.versions)))
        .limit(RANDOM_VERSIONS).toList()));
    endpoints.add(new ReadEndpoint("list versions, first page",
        List.of(model + "/versions?limit=" + PAGE)));
    endpoints.add(new ReadEndpoint("list versions, deep page", List.of(model + "/versions?limit="
        + PAGE + "&after=" + Math.max(0, config.versions - 2 * PAGE))));
    endpoints.add(new ReadEndpoint("list models, first page",
        List.of("/api/v1/models?limit=" + PAGE)));
    if (config.otherModels > 0) {
      endpoints.add(new ReadEndpoint("list models, deep page", List.of("/api/v1/models?limit="
          + PAGE + "&after=" + RegistrySeeder.otherModelName(config.otherModels / 2))));
    }
    return endpoints;
  }

  record ReadEndpoint(String name, List<String> paths) {}

  private static String oneLine(EndpointResult r) {
    return String.format(Locale.ROOT, "p50 %.3f ms, p99 %.3f ms, max %.3f ms, errors %d",
        r.latency().p50Nanos() / 1e6, r.latency().p99Nanos() / 1e6, r.latency().maxNanos() / 1e6,
        r.errors());
  }

  private Path createWorkFolder() {
    try {
      return config.workDir != null
          ? Files.createTempDirectory(Files.createDirectories(config.workDir), "registry-bench")
          : Files.createTempDirectory("serval-registry-bench");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work folder: " + e.getMessage(), e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static void deleteRecursively(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a leftover temp folder wastes space but does not falsify the results
    }
  }

  /**
   * Settings; the defaults are the issue's: a 101 MB model pushed 5 times after 1 warmup push,
   * and 10,000 versions plus 200 models read with 2,000 requests per endpoint after 500 warmup
   * requests.
   */
  public static final class Builder {
    private int pushWidth = 5000;
    private int pushes = 5;
    private int warmupPushes = 1;
    private int versions = 10_000;
    private int otherModels = 200;
    private int requests = 2000;
    private int warmupRequests = 500;
    private int seedThreads = 2;
    private long seed = 1;
    private Path workDir;
    private RegistryServerStarter starter = dataDir -> ChildJvmServer.start(
        ChildJvmServer.defaultCommand(), dataDir);
    private Clock clock = Clock.systemUTC();
    private Consumer<String> progress = System.err::println;

    private Builder() {}

    /** Hidden layer width of the pushed MLP 64 → width → width → 10 (4 bytes per weight). */
    public Builder pushWidth(int width) {
      this.pushWidth = Checks.positive("pushWidth", width);
      return this;
    }

    /** Timed pushes (each beside a timed copy) and untimed pushes before them; 0 timed skips. */
    public Builder pushes(int timed, int warmup) {
      this.pushes = nonNegative("pushes", timed);
      this.warmupPushes = nonNegative("warmupPushes", warmup);
      return this;
    }

    /** Versions of the read model and further models with one version; 0 versions skips. */
    public Builder registrySize(int versions, int otherModels) {
      this.versions = nonNegative("versions", versions);
      this.otherModels = nonNegative("otherModels", otherModels);
      return this;
    }

    /** Measured requests per read endpoint, and untimed ones before them. */
    public Builder requests(int measured, int warmup) {
      this.requests = Checks.positive("requests", measured);
      this.warmupRequests = nonNegative("warmupRequests", warmup);
      return this;
    }

    /** Threads that seed the registry; seeding is not measured. */
    public Builder seedThreads(int threads) {
      this.seedThreads = Checks.positive("seedThreads", threads);
      return this;
    }

    /** Seed of the random version numbers read. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Where the model, copies and data folders go (in a fresh sub-folder); default: temp. */
    public Builder workDir(Path dir) {
      this.workDir = Objects.requireNonNull(dir, "workDir");
      return this;
    }

    /**
     * The command that runs the Serval CLI, to which {@code serve --data DIR --host 127.0.0.1
     * --port 0} is appended; by default this JVM's java and class path with the CLI's main class.
     */
    public Builder serverCommand(List<String> command) {
      if (command == null || command.isEmpty()) {
        throw new IllegalArgumentException("serverCommand must not be empty but was " + command);
      }
      List<String> copy = List.copyOf(command);
      return serverStarter(dataDir -> ChildJvmServer.start(copy, dataDir));
    }

    /** How servers are started; {@link #serverCommand} sets a child JVM. */
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

    /** @throws IllegalStateException when neither scenario would run */
    public RegistryBenchmark build() {
      if (pushes == 0 && versions == 0) {
        throw new IllegalStateException("nothing to run: pushes and versions are both 0");
      }
      return new RegistryBenchmark(this);
    }

    private static int nonNegative(String name, int value) {
      if (value < 0) {
        throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
      }
      return value;
    }

    private Builder copy() {
      Builder copy = new Builder();
      copy.pushWidth = pushWidth;
      copy.pushes = pushes;
      copy.warmupPushes = warmupPushes;
      copy.versions = versions;
      copy.otherModels = otherModels;
      copy.requests = requests;
      copy.warmupRequests = warmupRequests;
      copy.seedThreads = seedThreads;
      copy.seed = seed;
      copy.workDir = workDir;
      copy.starter = starter;
      copy.clock = clock;
      copy.progress = progress;
      return copy;
    }
  }
}
