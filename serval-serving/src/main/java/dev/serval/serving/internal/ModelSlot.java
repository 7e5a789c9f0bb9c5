package dev.serval.serving.internal;

import dev.serval.core.InsufficientMemoryException;
import dev.serval.core.ModelLoadException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.core.ModelNotReadyException;
import dev.serval.core.ServalException;
import dev.serval.serving.Deployment;
import dev.serval.serving.InferenceRequest;
import dev.serval.serving.ModelConfig;
import dev.serval.serving.ModelState;
import dev.serval.serving.RepositoryEntry;
import dev.serval.serving.internal.ModelRepository.ModelFolder;
import dev.serval.serving.internal.ModelRepository.VersionFolder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model name: the versions requests are routed to, how its default traffic is split, and the
 * repository state of each version. Routing is an immutable snapshot swapped atomically, so the
 * request path never locks; loads, deployments and unloads of the model are serialized by a
 * lifecycle lock.
 *
 * <p>Every change loads and warms the new versions first, then swaps routing, then drains the old
 * ones, so no request is dropped. Under the version policy, a version whose reload fails, and every
 * version when a reload loads nothing, keeps serving as loaded before. Under a {@link Deployment},
 * a needed version that fails to load leaves routing as it was. A load the memory budget refuses
 * changes nothing.
 */
public final class ModelSlot {
  private static final Logger LOG = LoggerFactory.getLogger(ModelSlot.class);
  private static final Pattern NUMBER = Pattern.compile("[0-9]{1,18}");

  private final String name;
  private final ModelRepository repository;
  private final Object lifecycle = new Object();
  private volatile Routing routing = Routing.EMPTY;
  private volatile Map<Long, RepositoryEntry> entries = Map.of();
  private volatile String problem;
  /** What is loaded: null for the config's version policy. Written under the lifecycle lock. */
  private volatile Deployment deployment;

  /**
   * @param repository where the model's folder is; messages name paths relative to it
   */
  public ModelSlot(String name, ModelRepository repository) {
    this.name = name;
    this.repository = repository;
  }

  /**
   * The version a request goes to.
   *
   * @param version a version number, or null for a default version: drawn by weight under a
   *     deployment, else the newest ready one
   * @throws ModelNotFoundException when the model has no such version
   * @throws ModelNotReadyException when the version exists but is not ready
   */
  public ServedVersion route(String version) {
    Routing current = routing;
    return version == null ? requireDefault(current).pick() : explicit(current, version);
  }

  /**
   * The version that metadata, readiness and statistics speak of: as {@link #route}, but the
   * default is the version with the largest share rather than a draw.
   */
  public ServedVersion lookup(String version) {
    Routing current = routing;
    return version == null ? requireDefault(current).primary() : explicit(current, version);
  }

  /** Sends a copy of a default-routed request to the shadow version, if any; never throws. */
  public void shadow(InferenceRequest request, long receivedNanos) {
    ShadowCopy copy = routing.shadow();
    if (copy != null) {
      copy.send(request, receivedNanos);
    }
  }

  /**
   * @throws ModelNotFoundException when the model has no such version
   */
  public boolean isReady(String version) {
    try {
      lookup(version);
      return true;
    } catch (ModelNotReadyException e) {
      return false;
    }
  }

  /** Loaded versions (weighted, standby and shadow), ascending. */
  public List<ServedVersion> readyVersions() {
    return List.copyOf(routing.loaded().values());
  }

  /** The deployment in force, or empty when the config's version policy decides. */
  public Optional<Deployment> deployment() {
    return Optional.ofNullable(deployment);
  }

  /**
   * The repository index entries: one per version, and one without version (null) for a problem
   * of the whole model, such as an invalid config.
   */
  public List<RepositoryEntry> entries() {
    List<RepositoryEntry> result = new ArrayList<>();
    String modelProblem = problem;
    if (modelProblem != null) {
      result.add(new RepositoryEntry(name, null, ModelState.UNAVAILABLE, modelProblem));
    }
    result.addAll(entries.values());
    return result;
  }

  /**
   * Reloads the deployment's versions, or those the folder's version policy selects among the
   * versions not excluded, then routes to them and drains the versions routed before.
   *
   * @param excluded version → why it must not be loaded
   * @throws ModelLoadException when no version could be loaded, or a version of the deployment
   *     that was not serving failed to load
   * @throws ModelNotFoundException when a version of the deployment has no folder
   * @throws dev.serval.core.InvalidInputException when a version of the deployment is excluded
   * @throws InsufficientMemoryException when the load would exceed the memory budget
   */
  public void load(ModelFolder folder, Map<Long, String> excluded, ServingContext context) {
    synchronized (lifecycle) {
      change(folder, deployment, excluded, false, context);
    }
  }

  /**
   * Serves {@code target}: loads its versions that are not loaded yet, switches routing, then
   * drains the versions it leaves out. When a version fails to load, nothing changes.
   *
   * @throws ModelLoadException naming the version that failed to load and why
   * @throws ModelNotFoundException when a version has no folder
   * @throws dev.serval.core.InvalidInputException when a version is excluded
   * @throws InsufficientMemoryException when the load would exceed the memory budget
   */
  public void deploy(
      ModelFolder folder, Deployment target, Map<Long, String> excluded, ServingContext context) {
    synchronized (lifecycle) {
      change(folder, target, excluded, true, context);
    }
  }

  /** Drops the deployment and reloads as the version policy selects; see {@link #load}. */
  public void clearDeployment(
      ModelFolder folder, Map<Long, String> excluded, ServingContext context) {
    synchronized (lifecycle) {
      change(folder, null, excluded, false, context);
    }
  }

  /** Stops routing to every version, then drains and frees them. The deployment stays. */
  public void unload() {
    synchronized (lifecycle) {
      swapTo(Routing.EMPTY, new TreeMap<>(entries));
    }
  }

  /**
   * @param target the deployment to serve, or null for the version policy
   * @param reuse whether versions already loaded are kept as they are rather than reloaded
   */
  private void change(
      ModelFolder folder,
      Deployment target,
      Map<Long, String> excluded,
      boolean reuse,
      ServingContext context) {
    if (folder.problem() != null) {
      throw unloadable(folder.problem());
    }
    LoadPlan plan = new LoadPlan(folder, target, excluded, reuse, routing);
    TreeMap<Long, ServedVersion> loaded = plan.kept();
    Map<Long, Long> charges = charge(plan.toLoad(), folder.config(), loaded.keySet(), context);
    Map<Long, RepositoryEntry> before = entries;
    TreeMap<Long, RepositoryEntry> next = plan.entries();
    publish(next);
    long uncommitted = charges.values().stream().mapToLong(Long::longValue).sum();
    List<String> failures = new ArrayList<>();
    for (VersionFolder version : plan.toLoad()) {
      long v = version.version();
      String failure = version.problem();
      if (failure == null) {
        uncommitted -= charges.get(v);
        failure = tryLoad(version, folder.config(), context, charges.get(v), loaded);
      }
      if (failure == null) {
        continue;
      }
      if (target != null && routing.get(v) == null) {
        context.memory().release(uncommitted);
        throw abandon(loaded, before, v, failure);
      }
      failures.add(failure);
      keepOrFail(v, failure, loaded, next);
      publish(next);
    }
    if (loaded.isEmpty()) {
      throw nothingLoaded(folder, excluded, failures, next);
    }
    problem = null;
    deployment = target;
    swapTo(Routing.of(name, loaded, target, context), next);
  }

  /**
   * Charges the memory budget for the versions about to load.
   *
   * @param kept versions that stay loaded as they are
   * @return the charge of each loadable version
   */
  private Map<Long, Long> charge(
      List<VersionFolder> toLoad, ModelConfig config, Collection<Long> kept, ServingContext ctx) {
    Map<Long, Long> charges = new TreeMap<>();
    long total = 0;
    for (VersionFolder version : toLoad) {
      if (version.problem() == null) {
        long bytes = MemoryBudget.estimate(version, config);
        charges.put(version.version(), bytes);
        total += bytes;
      }
    }
    long replaced = 0;
    for (ServedVersion serving : routing.loaded().values()) {
      replaced += kept.contains(serving.version()) ? 0 : serving.estimatedBytes();
    }
    try {
      ctx.memory().charge(name, charges.keySet(), total, replaced);
      return charges;
    } catch (InsufficientMemoryException e) {
      LOG.warn("model '{}' not loaded: {}", name, e.getMessage());
      reportFailure(e.getMessage());
      throw e;
    }
  }

  /** The model folder itself cannot be loaded (e.g. its config is invalid). */
  private ModelLoadException unloadable(String folderProblem) {
    LOG.warn("model '{}' cannot be loaded: {}", name, folderProblem);
    if (routing.loaded().isEmpty()) {
      entries = Map.of();
    }
    reportFailure(folderProblem);
    return new ModelLoadException(folderProblem);
  }

  /** A reload loaded no version: whatever served before goes on serving. */
  private ModelLoadException nothingLoaded(
      ModelFolder folder,
      Map<Long, String> excluded,
      List<String> failures,
      TreeMap<Long, RepositoryEntry> next) {
    String failure =
        failures.isEmpty()
            ? "model '" + name + "' has no version selected by its version_policy "
                + folder.config().versionPolicy()
                + (excluded.isEmpty() ? "" : " (excluded: " + excluded.keySet() + ")")
            : String.join("; ", failures);
    if (routing.loaded().isEmpty()) {
      problem = null;
    } else {
      keepServing(next, failure);
    }
    return new ModelLoadException(failure);
  }

  /**
   * A version of a deployment failed to load: the versions loaded for it are freed and routing
   * stays as it was; the index says why the version is unavailable.
   */
  private ModelLoadException abandon(
      Map<Long, ServedVersion> loaded,
      Map<Long, RepositoryEntry> before,
      long version,
      String failure) {
    for (ServedVersion served : loaded.values()) {
      ServedVersion serving = routing.get(served.version());
      if (serving != served) {
        served.drainAndClose(); // never routed: nothing to drain
        if (serving == null) {
          served.removeMeters();
        }
      }
    }
    TreeMap<Long, RepositoryEntry> restored = new TreeMap<>(before);
    restored.put(version, entry(version, ModelState.UNAVAILABLE, failure));
    publish(restored);
    return new ModelLoadException(
        "model '" + name + "' version " + version + " failed to load, so the deployment was not"
            + " applied and the model serves as before: " + failure);
  }

  /** Records why a load failed: the model's problem, or on the entries of what serves on. */
  private void reportFailure(String failure) {
    if (routing.loaded().isEmpty()) {
      problem = failure;
    } else {
      keepServing(new TreeMap<>(entries), failure);
    }
  }

  /**
   * Loads one version into {@code loaded}.
   *
   * @param charged the version's charge to the memory budget, which it now owns
   * @return null, or why it failed, with paths relative to the repository
   */
  private String tryLoad(
      VersionFolder version,
      ModelConfig config,
      ServingContext context,
      long charged,
      TreeMap<Long, ServedVersion> loaded) {
    try {
      loaded.put(version.version(), ServedVersion.load(name, version, config, context, charged));
      LOG.info("loaded model '{}' version {}", name, version.version());
      return null;
    } catch (ModelLoadException e) {
      LOG.warn("model '{}' version {} failed to load: {}", name, version.version(), e.getMessage());
      return repository.relativePaths(e.getMessage());
    }
  }

  /**
   * After {@code version} failed to load: if it is serving, it goes on serving as loaded before
   * and its entry says so; otherwise it is unavailable for that reason.
   */
  private void keepOrFail(
      long version,
      String failure,
      TreeMap<Long, ServedVersion> loaded,
      TreeMap<Long, RepositoryEntry> next) {
    ServedVersion serving = routing.get(version);
    if (serving == null) {
      next.put(version, entry(version, ModelState.UNAVAILABLE, failure));
    } else {
      loaded.put(version, serving);
      next.put(version, keptEntry(version, failure));
    }
  }

  /** Publishes {@code next} with every routed version marked as serving on despite the failure. */
  private void keepServing(TreeMap<Long, RepositoryEntry> next, String failure) {
    routing.loaded().keySet().forEach(v -> next.put(v, keptEntry(v, failure)));
    publish(next);
  }

  private RepositoryEntry keptEntry(long version, String failure) {
    return entry(
        version,
        ModelState.READY,
        "reload failed: " + failure + "; the version loaded before keeps serving");
  }

  /**
   * Routes by {@code replacement}, then drains the versions routed before that it does not keep;
   * those left out become unavailable for the reason {@code next} gives, else "unloaded". {@code
   * next} holds every other version's entry, and the entries of kept versions.
   */
  private void swapTo(Routing replacement, TreeMap<Long, RepositoryEntry> next) {
    Routing old = routing;
    NavigableMap<Long, ServedVersion> loaded = replacement.loaded();
    Map<Long, RepositoryEntry> afterDrain = new HashMap<>();
    for (Long v : old.loaded().keySet()) {
      if (!loaded.containsKey(v)) {
        RepositoryEntry planned = next.get(v);
        boolean explained = planned != null && planned.state() == ModelState.UNAVAILABLE;
        afterDrain.put(v, explained ? planned : entry(v, ModelState.UNAVAILABLE, "unloaded"));
        next.put(v, entry(v, ModelState.UNLOADING, ""));
      }
    }
    routing = replacement;
    loaded.forEach(
        (v, served) -> {
          if (old.get(v) != served) {
            served.bindMeters();
            next.put(v, entry(v, ModelState.READY, ""));
          }
        });
    publish(next);
    for (ServedVersion served : old.loaded().values()) {
      if (loaded.get(served.version()) == served) {
        continue;
      }
      served.drainAndClose();
      RepositoryEntry unloaded = afterDrain.get(served.version());
      if (unloaded != null) {
        served.removeMeters();
        next.put(served.version(), unloaded);
        LOG.info("unloaded model '{}' version {}", name, served.version());
      }
    }
    publish(next);
  }

  private void publish(TreeMap<Long, RepositoryEntry> next) {
    entries = Collections.unmodifiableMap(new TreeMap<>(next));
  }

  private RepositoryEntry entry(long version, ModelState state, String reason) {
    return new RepositoryEntry(name, Long.toString(version), state, reason);
  }

  private Routing requireDefault(Routing current) {
    if (!current.hasDefault()) {
      throw new ModelNotReadyException(
          "model '" + name + "' has no ready version (" + whyNotReady() + ")");
    }
    return current;
  }

  private ServedVersion explicit(Routing current, String version) {
    long number = parseVersion(version);
    ServedVersion served = current.get(number);
    if (served == null) {
      throw notRouted(version, number);
    }
    return served;
  }

  private ServalException notRouted(String version, long number) {
    RepositoryEntry entry = number < 0 ? null : entries.get(number);
    if (entry == null) {
      return new ModelNotFoundException("model '" + name + "' has no version '" + version + "'");
    }
    return new ModelNotReadyException(
        "model '" + name + "' version " + number + " is not ready (" + describe(entry) + ")");
  }

  private String whyNotReady() {
    String modelProblem = problem;
    if (modelProblem != null) {
      return modelProblem;
    }
    List<String> states = new ArrayList<>();
    for (RepositoryEntry entry : entries.values()) {
      states.add("version " + entry.version() + " " + describe(entry));
    }
    return states.isEmpty() ? "not loaded" : String.join("; ", states);
  }

  private static String describe(RepositoryEntry entry) {
    return entry.state() + (entry.reason().isEmpty() ? "" : ": " + entry.reason());
  }

  private static long parseVersion(String version) {
    return NUMBER.matcher(version).matches() ? Long.parseLong(version) : -1;
  }
}
