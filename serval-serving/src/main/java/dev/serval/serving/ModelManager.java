package dev.serval.serving;

import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.core.ModelNotReadyException;
import dev.serval.core.ServalException;
import dev.serval.core.runtime.ModelBackend;
import dev.serval.serving.internal.MemoryBudget;
import dev.serval.serving.internal.ModelRepository;
import dev.serval.serving.internal.ModelRepository.ModelFolder;
import dev.serval.serving.internal.ModelSlot;
import dev.serval.serving.internal.ServedVersion;
import dev.serval.serving.internal.ServingContext;
import dev.serval.serving.internal.ServingMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Serves the models of a Triton-style repository ({@code DIR/<model>/<version>/<artifact>}, see
 * {@link ModelConfig} for {@code config.json}): loads and warms them, routes requests, batches them
 * dynamically and keeps statistics and metrics.
 *
 * <p>Which versions of a model are loaded is decided by its config's {@code version_policy}
 * (default: the newest), less the versions {@linkplain #exclude excluded}; version-less requests
 * go to the newest loaded version. {@link #deploy} replaces the policy with a {@link Deployment}:
 * default traffic split by weight (canary), standby versions reachable only by number, and a
 * shadow version that gets copies. Every change loads and warms first, then swaps routing, then
 * drains what it replaces, so no request is dropped; a change that fails leaves what serves.
 *
 * <p>With {@link Builder#memoryBudgetBytes} a load whose estimated memory would exceed the budget
 * is refused with an {@link dev.serval.core.InsufficientMemoryException}; the estimate is reported
 * in the gauge {@code serval_memory_estimated_bytes}.
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
  /** Model → version → why it is excluded; for models not loaded yet too. Values immutable. */
  private final Map<String, Map<Long, String>> exclusions = new ConcurrentHashMap<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean loadedAll;

  private ModelManager(Builder builder) {
    this.repository = new ModelRepository(builder.repository, builder.backends);
    this.ownScheduler = builder.scheduler == null ? timeoutScheduler() : null;
    MemoryBudget memory = new MemoryBudget(builder.memoryBudgetBytes);
    this.context =
        new ServingContext(
            builder.nanoTime,
            builder.clock,
            builder.random,
            builder.threadFactory,
            builder.scheduler == null ? ownScheduler : builder.scheduler,
            new ServingMetrics(
                builder.meterRegistry, this::readyVersionCount, memory::estimatedBytes),
            memory);
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
      ModelSlot slot = slot(request.model());
      CompletableFuture<InferenceResult> result =
          slot.route(request.version()).submit(request, received);
      if (result != null) {
        if (request.version() == null) {
          slot.shadow(request, received); // after the primary is queued, so it never waits on it
        }
        return result;
      }
    }
    throw new ModelNotReadyException(
        "model '" + request.model() + "' is being reloaded or unloaded; retry");
  }

  @Override
  public ModelMetadata metadata(String model, String version) {
    ModelSlot slot = slot(model);
    ServedVersion served = slot.lookup(version);
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

  /**
   * {@inheritDoc}
   *
   * <p>Under a {@link #deploy deployment}, reloads the deployment's versions; otherwise those the
   * version policy selects among the versions not excluded.
   *
   * @throws dev.serval.core.InsufficientMemoryException the load would exceed the memory budget
   */
  @Override
  public void load(String model) {
    change(model, (slot, folder) -> slot.load(folder, excluded(model), context));
  }

  /**
   * Serves {@code deployment} for {@code model}, blocking until done: loads and warms its versions
   * that are not loaded yet (versions already loaded are kept as they are), switches routing, then
   * drains and frees the versions it leaves out. It replaces the config's version policy, also for
   * later reloads and after {@link #unload}, until {@link #clearDeployment}. When a version fails
   * to load, nothing changes.
   *
   * @throws ModelNotFoundException unknown model, or a version without a folder
   * @throws InvalidInputException a version is excluded, or the deployment is null
   * @throws dev.serval.core.ModelLoadException naming the version that failed to load and why
   * @throws dev.serval.core.InsufficientMemoryException the load would exceed the memory budget
   */
  public void deploy(String model, Deployment deployment) {
    if (deployment == null) {
      throw new InvalidInputException("deployment of model '" + model + "' must not be null");
    }
    change(model, (slot, folder) -> slot.deploy(folder, deployment, excluded(model), context));
  }

  /**
   * Drops the model's deployment and reloads the versions its version policy selects. When the
   * reload fails the deployment stays in force.
   *
   * @throws ModelNotFoundException unknown model
   * @throws dev.serval.core.ModelLoadException the model failed to load
   */
  public void clearDeployment(String model) {
    change(model, (slot, folder) -> slot.clearDeployment(folder, excluded(model), context));
  }

  /**
   * The model's deployment, or empty when its version policy decides what is loaded.
   *
   * @throws ModelNotFoundException unknown model
   */
  public Optional<Deployment> deployment(String model) {
    ModelSlot slot = model == null ? null : slots.get(model);
    if (slot == null && !repository.contains(model)) {
      throw new ModelNotFoundException("unknown model '" + model + "'");
    }
    return slot == null ? Optional.empty() : slot.deployment();
  }

  /**
   * Keeps a version from being selected by the version policy (which then picks among the others)
   * and from being deployed, until {@link #readmit}; after the next {@link #load} the index shows
   * it unavailable for {@code reason}. Does not reload by itself. Works for models not loaded yet,
   * so that {@link #start} skips the version.
   *
   * @throws InvalidInputException a blank model name or reason, or a negative version
   */
  public void exclude(String model, long version, String reason) {
    requireVersionOf(model, version);
    if (reason == null || reason.isBlank()) {
      throw new InvalidInputException("reason must not be blank but was '" + reason + "'");
    }
    exclusions.compute(
        model,
        (name, reasons) -> {
          Map<Long, String> next = reasons == null ? new TreeMap<>() : new TreeMap<>(reasons);
          next.put(version, reason);
          return Collections.unmodifiableMap(next);
        });
  }

  /**
   * Lets an excluded version be selected and deployed again; takes effect at the next load.
   *
   * @throws InvalidInputException a blank model name or a negative version
   */
  public void readmit(String model, long version) {
    requireVersionOf(model, version);
    exclusions.computeIfPresent(
        model,
        (name, reasons) -> {
          Map<Long, String> next = new TreeMap<>(reasons);
          next.remove(version);
          return next.isEmpty() ? null : Collections.unmodifiableMap(next);
        });
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
      versions.add(slot(model).lookup(version));
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

  /** Runs a change of {@code model}'s loaded versions, under its slot's lifecycle lock. */
  private void change(String model, BiConsumer<ModelSlot, ModelFolder> action) {
    requireOpen();
    if (model == null) {
      throw new InvalidInputException("model must not be null");
    }
    ModelFolder folder = repository.scan(model);
    ModelSlot slot = slots.computeIfAbsent(model, name -> new ModelSlot(name, repository));
    action.accept(slot, folder);
    if (closing.get()) {
      slot.unload(); // close() ran while this change was in progress
    }
  }

  private Map<Long, String> excluded(String model) {
    return exclusions.getOrDefault(model, Map.of());
  }

  private static void requireVersionOf(String model, long version) {
    if (model == null || model.isBlank()) {
      throw new InvalidInputException("model must not be blank but was '" + model + "'");
    }
    if (version < 0) {
      throw new InvalidInputException("version must be non-negative but was " + version);
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
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private long memoryBudgetBytes = Long.MAX_VALUE;

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
     * Uniform doubles in [0, 1) that split default traffic among the weighted versions of a
     * deployment; called concurrently from request threads. By default {@link ThreadLocalRandom},
     * which threads do not contend for.
     */
    public Builder random(DoubleSupplier uniform) {
      this.random = Objects.requireNonNull(uniform, "random");
      return this;
    }

    /**
     * The most memory the loaded model versions may be estimated to take; loads beyond it are
     * refused. A version is estimated at (artifact size + 128 KiB of runtime session) per
     * instance. Unlimited by default.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder memoryBudgetBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("memoryBudgetBytes must be > 0 but was " + bytes);
      }
      this.memoryBudgetBytes = bytes;
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
