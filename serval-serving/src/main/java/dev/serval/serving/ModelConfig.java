package dev.serval.serving;

import dev.serval.core.runtime.RuntimeOptions;
import dev.serval.serving.internal.ModelConfigParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * How one model is served: batching, queueing, instances, runtime threads and which versions to
 * load. Read from {@code DIR/<model>/config.json} with {@link #read(Path)} or built with {@link
 * #builder()}; every setting is optional and its default is one of the constants below.
 *
 * <pre>{@code
 * {
 *   "max_batch_size": 64,
 *   "dynamic_batching": {
 *     "max_queue_delay_microseconds": 50,
 *     "preferred_batch_size": [32, 64],
 *     "max_queue_size": 2048,
 *     "default_timeout_microseconds": 0
 *   },
 *   "instance_count": 1,
 *   "runtime": {"intra_op_threads": 1, "inter_op_threads": 1, "optimization_level": "all"},
 *   "version_policy": {"latest": {"num_versions": 1}}
 * }
 * }</pre>
 *
 * <p>{@code version_policy} is one of {@code {"latest": {"num_versions": N}}}, {@code {"all": {}}}
 * or {@code {"specific": {"versions": [1, 3]}}}. An optional {@code "name"} must equal the folder
 * name.
 *
 * @param maxBatchSize most rows one execution may hold; 0 disables batching. Ignored (served
 *     unbatched) when the model's signature has no dynamic first dimension.
 * @param dynamicBatching how requests are queued and merged
 * @param instanceCount model instances (each with its own worker thread) per version
 * @param runtimeOptions threads and optimization level handed to the runtime
 * @param versionPolicy which versions found in the repository are loaded
 */
public record ModelConfig(
    int maxBatchSize,
    DynamicBatching dynamicBatching,
    int instanceCount,
    RuntimeOptions runtimeOptions,
    VersionPolicy versionPolicy) {

  /** Enough rows to amortize a small model's per-run overhead without hurting latency. */
  public static final int DEFAULT_MAX_BATCH_SIZE = 64;

  /**
   * Long enough to gather the requests of a few dozen concurrent clients into one batch, short
   * enough that a lone client waits little. Measured in process with the 64-256-256-10 MLP on 2
   * cores: 50 µs beat 0, 100 and 250 µs at 16-32 closed-loop clients (larger batches than 0, and
   * longer windows only idle the closed loop); a window is pure latency for a single client.
   */
  public static final long DEFAULT_MAX_QUEUE_DELAY_MICROS = 50;

  /** Bounded backlog: at most a few batches' worth per client for hundreds of clients. */
  public static final int DEFAULT_MAX_QUEUE_SIZE = 2048;

  /** No timeout unless the request or the config sets one. */
  public static final long DEFAULT_TIMEOUT_MICROS = 0;

  /** One instance whose runtime uses half the cores (see {@link #defaultIntraOpThreads}). */
  public static final int DEFAULT_INSTANCE_COUNT = 1;

  /** Independent operators are rare in the models served here; one thread avoids contention. */
  public static final int DEFAULT_INTER_OP_THREADS = 1;

  public static final String DEFAULT_OPTIMIZATION_LEVEL = "all";

  /** Triton's default: serve only the newest version. */
  public static final VersionPolicy DEFAULT_VERSION_POLICY = VersionPolicy.latest(1);

  public ModelConfig {
    if (maxBatchSize < 0) {
      throw new IllegalArgumentException("maxBatchSize must be >= 0 but was " + maxBatchSize);
    }
    if (instanceCount < 1) {
      throw new IllegalArgumentException("instanceCount must be >= 1 but was " + instanceCount);
    }
    Objects.requireNonNull(dynamicBatching, "dynamicBatching");
    Objects.requireNonNull(runtimeOptions, "runtimeOptions");
    Objects.requireNonNull(versionPolicy, "versionPolicy");
    for (int size : dynamicBatching.preferredBatchSizes()) {
      if (maxBatchSize > 0 && size > maxBatchSize) {
        throw new IllegalArgumentException(
            "preferredBatchSize " + size + " is larger than maxBatchSize " + maxBatchSize);
      }
    }
  }

  /**
   * Runtime threads per instance when the config does not say: half the cores, shared among the
   * instances, at least one. The other half is left to the HTTP event loops, which decode and
   * encode every request. Measured on 2 cores with the 64-256-256-10 MLP (docs/benchmarks.md):
   * one runtime thread instead of two raised 1-row JSON requests at 16 clients from 25.8k to
   * 33.7k requests/s (p99 2.5 to 1.0 ms) and 64-row binary requests from 641k to 919k rows/s,
   * because ONNX Runtime's second thread spins while the event loops need the core.
   */
  public static int defaultIntraOpThreads(int instanceCount) {
    int cores = Runtime.getRuntime().availableProcessors();
    return Math.max(1, cores / 2 / Math.max(1, instanceCount));
  }

  public static ModelConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses a {@code config.json}: snake_case keys as documented in docs and {@link Builder}.
   *
   * @throws dev.serval.core.ModelLoadException naming the file and the bad key or value
   */
  public static ModelConfig read(Path configFile) {
    return ModelConfigParser.read(configFile);
  }

  /** Whether a model with a batchable signature should have its requests merged. */
  public boolean batchingEnabled() {
    return maxBatchSize > 0;
  }

  /**
   * The dynamic batcher's settings.
   *
   * @param maxQueueDelayMicros longest time the first request of a batch waits for others
   * @param preferredBatchSizes batch sizes (rows) that are dispatched as soon as they can be
   *     formed, ascending
   * @param maxQueueSize most requests waiting per version; more are rejected
   * @param defaultTimeoutMicros queue timeout of requests that set none; 0 means none
   */
  public record DynamicBatching(
      long maxQueueDelayMicros,
      List<Integer> preferredBatchSizes,
      int maxQueueSize,
      long defaultTimeoutMicros) {

    public DynamicBatching {
      if (maxQueueDelayMicros < 0) {
        throw new IllegalArgumentException(
            "maxQueueDelayMicros must be >= 0 but was " + maxQueueDelayMicros);
      }
      if (maxQueueSize < 1) {
        throw new IllegalArgumentException("maxQueueSize must be >= 1 but was " + maxQueueSize);
      }
      if (defaultTimeoutMicros < 0) {
        throw new IllegalArgumentException(
            "defaultTimeoutMicros must be >= 0 but was " + defaultTimeoutMicros);
      }
      TreeSet<Integer> sorted = new TreeSet<>();
      for (Integer size : preferredBatchSizes) {
        if (size == null || size < 1) {
          throw new IllegalArgumentException(
              "preferredBatchSizes must be >= 1 but contains " + size);
        }
        sorted.add(size);
      }
      preferredBatchSizes = List.copyOf(sorted);
    }

    public static DynamicBatching defaults() {
      return new DynamicBatching(
          DEFAULT_MAX_QUEUE_DELAY_MICROS,
          List.of(),
          DEFAULT_MAX_QUEUE_SIZE,
          DEFAULT_TIMEOUT_MICROS);
    }
  }

  /**
   * Which of the versions in a model folder are loaded, as in Triton's {@code version_policy}.
   *
   * @param kind latest N, all, or a specific list
   * @param latest N for {@link Kind#LATEST}, else 0
   * @param versions the versions for {@link Kind#SPECIFIC}, else empty
   */
  public record VersionPolicy(Kind kind, int latest, List<Long> versions) {
    /** The three policy kinds. */
    public enum Kind {
      LATEST,
      ALL,
      SPECIFIC
    }

    public VersionPolicy {
      Objects.requireNonNull(kind, "kind");
      versions = List.copyOf(new TreeSet<>(versions));
      if (kind == Kind.LATEST && latest < 1) {
        throw new IllegalArgumentException("latest must be >= 1 but was " + latest);
      }
      if (kind == Kind.SPECIFIC && versions.isEmpty()) {
        throw new IllegalArgumentException("a specific version policy needs at least one version");
      }
      for (long v : versions) {
        if (v < 1) {
          throw new IllegalArgumentException("versions must be >= 1 but contains " + v);
        }
      }
    }

    public static VersionPolicy latest(int count) {
      return new VersionPolicy(Kind.LATEST, count, List.of());
    }

    public static VersionPolicy all() {
      return new VersionPolicy(Kind.ALL, 0, List.of());
    }

    public static VersionPolicy specific(Collection<Long> versions) {
      return new VersionPolicy(Kind.SPECIFIC, 0, List.copyOf(versions));
    }

    /** The versions to load out of those available, ascending. */
    public List<Long> select(Collection<Long> available) {
      List<Long> sorted = new ArrayList<>(new TreeSet<>(available));
      return switch (kind) {
        case ALL -> sorted;
        case LATEST -> sorted.subList(Math.max(0, sorted.size() - latest), sorted.size());
        case SPECIFIC -> {
          sorted.retainAll(versions);
          yield sorted;
        }
      };
    }
  }

  /** Validating builder; unset settings take the defaults above. */
  public static final class Builder {
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    private DynamicBatching dynamicBatching = DynamicBatching.defaults();
    private int instanceCount = DEFAULT_INSTANCE_COUNT;
    private RuntimeOptions runtimeOptions;
    private VersionPolicy versionPolicy = DEFAULT_VERSION_POLICY;

    private Builder() {}

    public Builder maxBatchSize(int rows) {
      this.maxBatchSize = rows;
      return this;
    }

    public Builder dynamicBatching(DynamicBatching batching) {
      this.dynamicBatching = Objects.requireNonNull(batching, "dynamicBatching");
      return this;
    }

    public Builder instanceCount(int count) {
      this.instanceCount = count;
      return this;
    }

    /** Runtime settings; when unset, {@link #defaultIntraOpThreads} per instance. */
    public Builder runtimeOptions(RuntimeOptions options) {
      this.runtimeOptions = Objects.requireNonNull(options, "runtimeOptions");
      return this;
    }

    public Builder versionPolicy(VersionPolicy policy) {
      this.versionPolicy = Objects.requireNonNull(policy, "versionPolicy");
      return this;
    }

    public ModelConfig build() {
      RuntimeOptions options = runtimeOptions;
      if (options == null) {
        options =
            RuntimeOptions.builder()
                .intraOpThreads(defaultIntraOpThreads(instanceCount))
                .interOpThreads(DEFAULT_INTER_OP_THREADS)
                .optimizationLevel(DEFAULT_OPTIMIZATION_LEVEL)
                .build();
      }
      return new ModelConfig(maxBatchSize, dynamicBatching, instanceCount, options, versionPolicy);
    }
  }
}
