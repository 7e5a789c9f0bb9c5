package dev.serval.server.cli;

import dev.serval.bus.Event;
import dev.serval.bus.Subscription;
import dev.serval.core.DeadlineExceededException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.core.ServalException;
import dev.serval.registry.DeploymentRecord;
import dev.serval.registry.DeploymentSpec;
import dev.serval.registry.ModelFilter;
import dev.serval.registry.ModelRecord;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.Page;
import dev.serval.registry.PageRequest;
import dev.serval.registry.VersionRecord;
import dev.serval.registry.VersionState;
import dev.serval.server.management.Rollout;
import dev.serval.serving.Deployment;
import dev.serval.serving.ModelManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node serve what the registry says. Per registered model: the current deployment's
 * versions take default traffic (without a deployment, the newest READY version does: Triton's
 * {@code latest} policy), and versions that aliases name are loaded on standby, so inference by
 * alias never waits for a load. Applies a model again on each of its registry events, and every
 * model periodically, since events are notifications that a disconnected node may miss.
 *
 * <p>All work runs on one thread, so changes apply in the order they arrive and never overlap.
 */
final class RegistrySync implements Rollout, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistrySync.class);
  private static final int PAGE = PageRequest.MAX_LIMIT;
  private static final Set<String> CHANGES_SERVING = Set.of(Event.VERSION_VALIDATED,
      Event.ALIAS_MOVED, Event.DEPLOYMENT_CHANGED, Event.VERSION_DELETED, Event.MODEL_DELETED);

  private final ModelRegistry registry;
  private final VersionPlacement placement;
  private final ModelManager models;
  private final ScheduledExecutorService serial;
  private Subscription subscription;

  RegistrySync(ModelRegistry registry, VersionPlacement placement, ModelManager models) {
    this.registry = registry;
    this.placement = placement;
    this.models = models;
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "serval-registry-sync");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    this.serial = executor;
  }

  /**
   * Places READY versions into the repository before the model manager first scans it, so that
   * models start with them.
   */
  void placeReady() {
    for (ModelRecord model : all(page -> registry.listModels(ModelFilter.ALL, page))) {
      for (VersionRecord version : readyVersions(model.name())) {
        tryPlace(version);
      }
    }
  }

  /**
   * Applies every model now (blocking), then follows registry events and re-applies everything
   * every {@code period}.
   */
  void start(Duration period) {
    await(serial.submit(this::applyAll));
    subscription = registry.events().subscribe(this::onEvent);
    long millis = period.toMillis();
    serial.scheduleWithFixedDelay(this::applyAll, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** The serial thread running {@code task} after every change queued before it. */
  ScheduledExecutorService serial() {
    return serial;
  }

  @Override
  public void apply(String model, Duration timeout) {
    CompletableFuture<Void> done = CompletableFuture.runAsync(() -> applyOrThrow(model), serial);
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new DeadlineExceededException("model '" + model
          + "' is still loading after " + timeout.toSeconds() + " s; it goes live when loaded");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while applying '" + model + "'", e);
    }
  }

  @Override
  public void close() {
    if (subscription != null) {
      subscription.close();
    }
    serial.shutdownNow();
  }

  private void onEvent(Event event) {
    if (CHANGES_SERVING.contains(event.type())) {
      serial.execute(() -> applyLogged(event.model()));
    }
  }

  private void applyAll() {
    for (ModelRecord model : all(page -> registry.listModels(ModelFilter.ALL, page))) {
      applyLogged(model.name());
    }
  }

  private void applyLogged(String model) {
    try {
      applyOrThrow(model);
    } catch (RuntimeException e) {
      log.warn("cannot serve what the registry says for '{}': {}", model, e.getMessage());
    }
  }

  /** Places and deploys what the registry says for {@code model}; throws what serving threw. */
  private void applyOrThrow(String model) {
    ModelRecord record;
    try {
      record = registry.getModel(model);
    } catch (ModelNotFoundException e) {
      stopServing(model);
      placement.removeModel(model);
      return;
    }
    List<VersionRecord> ready = readyVersions(model);
    Set<Long> kept = new HashSet<>();
    ready.forEach(v -> kept.add((long) v.version()));
    Optional<Deployment> target = target(record, ready);
    if (target.isEmpty()) {
      stopServing(model); // no READY version (left): e.g. the first push is still validating
    } else if (!serves(model, target.get())) {
      ready.forEach(placement::place);
      models.deploy(model, target.get());
      log.info("'{}' serves {}", model, describe(target.get()));
    }
    // versions deleted from the registry; a version in use cannot be deleted, so none serves
    placement.removeAllBut(model, kept);
  }

  private boolean serves(String model, Deployment target) {
    try {
      return models.deployment(model).equals(Optional.of(target))
          && models.isModelReady(model, null);
    } catch (ServalException e) {
      return false; // not in the repository yet
    }
  }

  /** Unloads without clearing the deployment, which would reload by the version policy. */
  private void stopServing(String model) {
    try {
      models.unload(model);
    } catch (ServalException e) {
      log.debug("'{}' was not served here: {}", model, e.getMessage());
    }
  }

  /** What should serve: empty when the model has no READY version yet. */
  private Optional<Deployment> target(ModelRecord model, List<VersionRecord> ready) {
    if (ready.isEmpty()) {
      return Optional.empty();
    }
    Set<Long> readyNumbers = new HashSet<>();
    ready.forEach(v -> readyNumbers.add((long) v.version()));
    Set<Long> standby = new HashSet<>();
    model.aliases().values().forEach(v -> {
      if (readyNumbers.contains((long) v)) {
        standby.add((long) v);
      }
    });
    Optional<DeploymentSpec> spec =
        registry.deployment(model.name()).map(DeploymentRecord::spec);
    Deployment deployment;
    if (spec.isPresent()) {
      Map<Long, Integer> weights = new TreeMap<>();
      spec.get().weights().forEach((v, w) -> weights.put((long) v, w));
      deployment = Deployment.weighted(weights).withStandby(standby);
      if (spec.get().shadow() != null) {
        deployment = deployment.withShadow(spec.get().shadow());
      }
    } else {
      long newest = ready.get(ready.size() - 1).version();
      deployment = Deployment.single(newest).withStandby(standby);
    }
    return Optional.of(deployment);
  }

  private void tryPlace(VersionRecord version) {
    try {
      placement.place(version);
    } catch (RuntimeException e) {
      log.warn("{}; it stays READY in the registry and is placed again later", e.getMessage());
    }
  }

  /** READY versions, oldest first. */
  private List<VersionRecord> readyVersions(String model) {
    List<VersionRecord> ready = new ArrayList<>();
    for (VersionRecord v : all(page -> registry.listVersions(model, page))) {
      if (v.state() == VersionState.READY) {
        ready.add(v);
      }
    }
    ready.sort((a, b) -> Integer.compare(a.version(), b.version()));
    return ready;
  }

  private static String describe(Deployment deployment) {
    StringBuilder text = new StringBuilder();
    deployment.weights().forEach((v, w) -> text.append(text.length() == 0 ? "" : ", ")
        .append('v').append(v).append(' ').append(w));
    if (!deployment.standby().isEmpty()) {
      text.append("; standby ").append(deployment.standby());
    }
    if (deployment.shadow() != null) {
      text.append("; shadow v").append(deployment.shadow());
    }
    return text.toString();
  }

  private static void await(java.util.concurrent.Future<?> future) {
    try {
      future.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> List<T> all(Function<PageRequest, Page<T>> list) {
    List<T> items = new ArrayList<>();
    Page<T> page = list.apply(PageRequest.first(PAGE));
    items.addAll(page.items());
    while (page.next() != null) {
      page = list.apply(new PageRequest(page.next(), PAGE));
      items.addAll(page.items());
    }
    return items;
  }
}
