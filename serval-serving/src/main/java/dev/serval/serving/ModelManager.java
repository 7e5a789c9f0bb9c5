package dev.serval.serving;

import dev.serval.core.ModelNotFoundException;
import dev.serval.core.ModelNotReadyException;
import dev.serval.core.ServalException;
import dev.serval.core.runtime.ModelBackend;
import dev.serval.serving.internal.ModelRepository;
import dev.serval.serving.internal.ModelSlot;
import dev.serval.serving.internal.ServedVersion;
import dev.serval.serving.internal.ServingContext;
import dev.serval.serving.internal.ServingMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Serves the models of a Triton-style repository ({@code DIR/<model>/<version>/<artifact>}, see
 * {@link ModelConfig} for {@code config.json}): loads and warms them, routes requests to the newest
 * ready version, batches them dynamically and keeps statistics and metrics.
 *
 * <pre>{@code
 * ModelManager manager = ModelManager.builder()
 *     .repository(Path.of("models"))
 *     .backend(new OnnxBackend())
 *     .meterRegistry(registry)
 *     .build()
 *     .start();
 * }</pre>
 */
public final class ModelManager implements ModelService {
  /** A request meeting a version as it is drained is re-routed this many times at most. */
  private static final int MAX_REROUTES = 3;

  private final ModelRepository repository;
  private final ServingContext context;
  /** The timeout scheduler when the manager made it, to shut down on close; else null. */
  private final ScheduledExecutorService ownScheduler;
  private final Map<String, ModelSlot> slots = new ConcurrentHashMap<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean loadedAll;

  private ModelManager(Builder builder) {
    this.repository = new ModelRepository(builder.repository, builder.backends);
    this.ownScheduler = builder.scheduler == null ? timeoutScheduler() : null;
    this.context =
        new ServingContext(
            builder.nanoTime,
            builder.clock,
            builder.threadFactory,
            builder.scheduler == null ? ownScheduler : builder.scheduler,
            new ServingMetrics(builder.meterRegistry, this::readyVersionCount));
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads every model in the repository. A model that fails to load is reported in {@link #index}
   * and does not stop the others. The server is ready when this returns.
   *
   * @throws IllegalStateException when called twice
   */
  public ModelManager start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the model manager is already started");
    }
    for (String model : repository.modelNames()) {
      try {
        load(model);
      } catch (ServalException e) {
        // recorded in the index and logged; the other models still load
      }
    }
    loadedAll = true;
    return this;
  }

  @Override
  public CompletableFuture<InferenceResult> infer(InferenceRequest request) {
    long received = context.nanoTime().getAsLong();
    for (int attempt = 0; attempt <= MAX_REROUTES; attempt++) {
      requireOpen();
      ServedVersion version = slot(request.model()).route(request.version());
      CompletableFuture<InferenceResult> result = version.submit(request, received);
      if (result != null) {
        return result;
      }
    }
    throw new ModelNotReadyException(
        "model '" + request.model() + "' is being reloaded or unloaded; retry");
  }

  @Override
  public ModelMetadata metadata(String model, String version) {
    ModelSlot slot = slot(model);
    ServedVersion served = slot.route(version);
    List<String> versions = new ArrayList<>();
    for (ServedVersion ready : slot.readyVersions()) {
      versions.add(Long.toString(ready.version()));
    }
    return new ModelMetadata(model, versions, served.platform(), served.signature());
  }

  @Override
  public boolean isModelReady(String model, String version) {
    return slot(model).isReady(version);
  }

  @Override
  public boolean isServerReady() {
    return loadedAll && !closing.get();
  }

  @Override
  public List<RepositoryEntry> index(boolean readyOnly) {
    TreeSet<String> names = new TreeSet<>(slots.keySet());
    names.addAll(repository.modelNames());
    List<RepositoryEntry> entries = new ArrayList<>();
    for (String name : names) {
      ModelSlot slot = slots.get(name);
      if (slot == null) {
        entries.add(new RepositoryEntry(name, null, ModelState.UNAVAILABLE, "not loaded"));
      } else {
        entries.addAll(slot.entries());
      }
    }
    if (readyOnly) {
      entries.removeIf(entry -> entry.state() != ModelState.READY);
    }
    return entries;
  }

  @Override
  public void load(String model) {
    requireOpen();
    ModelRepository.ModelFolder folder = repository.scan(model);
    ModelSlot slot = slots.computeIfAbsent(model, name -> new ModelSlot(name, repository));
    slot.load(folder, context);
    if (closing.get()) {
      slot.unload(); // close() ran while this load was in progress
    }
  }

  @Override
  public void unload(String model) {
    ModelSlot slot = slots.get(model);
    if (slot != null) {
      slot.unload();
    } else if (!repository.contains(model)) {
      throw new ModelNotFoundException("unknown model '" + model + "'");
    }
  }

  @Override
  public List<ModelStatistics> statistics(String model, String version) {
    List<ServedVersion> versions = new ArrayList<>();
    if (model == null) {
      for (String name : new TreeSet<>(slots.keySet())) {
        versions.addAll(slots.get(name).readyVersions());
      }
    } else if (version == null) {
      versions.addAll(slot(model).readyVersions());
    } else {
      versions.add(slot(model).route(version));
    }
    List<ModelStatistics> result = new ArrayList<>(versions.size());
    for (ServedVersion served : versions) {
      result.add(served.statistics());
    }
    return result;
  }

  /**
   * Graceful shutdown: {@link #isServerReady} turns false and new requests are refused, then every
   * version finishes its queued and running requests and is freed. Idempotent.
   */
  @Override
  public void close() {
    if (closing.compareAndSet(false, true)) {
      for (ModelSlot slot : slots.values()) {
        slot.unload();
      }
      if (ownScheduler != null) {
        ownScheduler.shutdownNow(); // every request is answered, so no timer is left to run
      }
    }
  }

  private ModelSlot slot(String model) {
    ModelSlot slot = model == null ? null : slots.get(model);
    if (slot == null) {
      throw new ModelNotFoundException("unknown model '" + model + "'");
    }
    return slot;
  }

  private void requireOpen() {
    if (closing.get()) {
      throw new ModelNotReadyException("the server is shutting down");
    }
  }

  /**
   * One daemon thread, started by the first timer; cancelled timers leave its queue at once, so
   * none pile up.
   */
  private static ScheduledExecutorService timeoutScheduler() {
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(1, daemonThreads("serval-timeouts"));
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }

  private static ThreadFactory daemonThreads(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private int readyVersionCount() {
    int count = 0;
    for (ModelSlot slot : slots.values()) {
      count += slot.readyVersions().size();
    }
    return count;
  }

  /** Builder of {@link ModelManager}; repository and at least one backend are required. */
  public static final class Builder {
    private Path repository;
    private final List<ModelBackend> backends = new ArrayList<>();
    private MeterRegistry meterRegistry = new CompositeMeterRegistry();
    private Clock clock = Clock.systemUTC();
    private LongSupplier nanoTime = System::nanoTime;
    private ThreadFactory threadFactory = daemonThreads("serval-batcher");
    private ScheduledExecutorService scheduler;

    private Builder() {}

    /** The model repository folder. */
    public Builder repository(Path directory) {
      this.repository = Objects.requireNonNull(directory, "repository");
      return this;
    }

    /**
     * Adds a runtime backend. When a version folder holds artifacts of several backends, the first
     * added wins.
     */
    public Builder backend(ModelBackend backend) {
      backends.add(Objects.requireNonNull(backend, "backend"));
      return this;
    }

    /** Where serving's meters go; by default nowhere. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /** Wall clock for last-inference timestamps. */
    public Builder clock(Clock wallClock) {
      this.clock = Objects.requireNonNull(wallClock, "clock");
      return this;
    }

    /** Monotonic nanosecond source for queue delays, timeouts and durations. */
    public Builder nanoTime(LongSupplier source) {
      this.nanoTime = Objects.requireNonNull(source, "nanoTime");
      return this;
    }

    /** Creates the batcher worker threads (one per model instance); daemon threads by default. */
    public Builder threadFactory(ThreadFactory factory) {
      this.threadFactory = Objects.requireNonNull(factory, "threadFactory");
      return this;
    }

    /**
     * Completes requests with a timeout at their deadline (a request that a batcher has started
     * computing is no longer timed out). Shared by all versions; the caller shuts it down after
     * {@link ModelManager#close}. Timers are cancelled when their request completes first, so
     * a {@link ScheduledThreadPoolExecutor} should remove cancelled tasks ({@link
     * ScheduledThreadPoolExecutor#setRemoveOnCancelPolicy}). By default the manager runs its own
     * with one daemon thread.
     */
    public Builder scheduler(ScheduledExecutorService timeouts) {
      this.scheduler = Objects.requireNonNull(timeouts, "scheduler");
      return this;
    }

    /**
     * @throws IllegalArgumentException when the repository is missing or not a directory, or no
     *     backend was added
     */
    public ModelManager build() {
      if (repository == null) {
        throw new IllegalArgumentException("repository must be set");
      }
      if (backends.isEmpty()) {
        throw new IllegalArgumentException("at least one backend must be added");
      }
      return new ModelManager(this);
    }
  }
}
