package dev.serval.serving.internal;

import dev.serval.core.ModelLoadException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.core.ModelNotReadyException;
import dev.serval.core.ServalException;
import dev.serval.serving.ModelConfig;
import dev.serval.serving.ModelState;
import dev.serval.serving.RepositoryEntry;
import dev.serval.serving.internal.ModelRepository.ModelFolder;
import dev.serval.serving.internal.ModelRepository.VersionFolder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model name: the versions requests are routed to and the repository state of each version.
 * Routing is an immutable map swapped atomically, so the request path never locks; loads and
 * unloads of the model are serialized by a lifecycle lock.
 *
 * <p>A reload loads and warms the new versions first, then swaps routing, then drains the old ones,
 * so no request is dropped. A version whose reload fails, and every version when a reload loads
 * nothing, keeps serving as loaded before.
 */
public final class ModelSlot {
  private static final Logger LOG = LoggerFactory.getLogger(ModelSlot.class);
  private static final Pattern NUMBER = Pattern.compile("[0-9]{1,18}");

  private final String name;
  private final ModelRepository repository;
  private final Object lifecycle = new Object();
  private volatile NavigableMap<Long, ServedVersion> routing = Collections.emptyNavigableMap();
  private volatile Map<Long, RepositoryEntry> entries = Map.of();
  private volatile String problem;

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
   * @param version a version number, or null for the newest ready one
   * @throws ModelNotFoundException when the model has no such version
   * @throws ModelNotReadyException when the version exists but is not ready
   */
  public ServedVersion route(String version) {
    NavigableMap<Long, ServedVersion> current = routing;
    if (version == null) {
      if (current.isEmpty()) {
        throw new ModelNotReadyException(
            "model '" + name + "' has no ready version (" + whyNotReady() + ")");
      }
      return current.lastEntry().getValue();
    }
    long number = parseVersion(version);
    ServedVersion served = current.get(number);
    if (served == null) {
      throw notRouted(version, number);
    }
    return served;
  }

  /**
   * @throws ModelNotFoundException when the model has no such version
   */
  public boolean isReady(String version) {
    try {
      route(version);
      return true;
    } catch (ModelNotReadyException e) {
      return false;
    }
  }

  /** Ready versions, ascending. */
  public List<ServedVersion> readyVersions() {
    return List.copyOf(routing.values());
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
   * Loads the versions the folder's version policy selects, then routes to them and drains the
   * versions routed before. A serving version whose reload fails keeps serving as loaded before,
   * and so do all serving versions when the reload loads none; their index entries say why.
   *
   * @throws ModelLoadException when no version could be loaded
   */
  public void load(ModelFolder folder, ServingContext context) {
    synchronized (lifecycle) {
      if (folder.problem() != null) {
        throw unloadable(folder.problem());
      }
      List<Long> selected = selectedVersions(folder);
      TreeMap<Long, RepositoryEntry> next = initialEntries(folder, selected);
      publish(next);
      TreeMap<Long, ServedVersion> loaded = new TreeMap<>();
      List<String> failures = new ArrayList<>();
      for (VersionFolder version : folder.versions()) {
        if (!selected.contains(version.version())) {
          continue;
        }
        String failure = version.problem();
        if (failure == null) {
          failure = tryLoad(version, folder.config(), context, loaded);
        }
        if (failure != null) {
          failures.add(failure);
          keepOrFail(version.version(), failure, loaded, next);
          publish(next);
        }
      }
      if (loaded.isEmpty()) {
        throw nothingLoaded(folder, failures, next);
      }
      problem = null;
      swapTo(loaded, next);
    }
  }

  /** Stops routing to every version, then drains and frees them. */
  public void unload() {
    synchronized (lifecycle) {
      swapTo(Collections.emptyNavigableMap(), new TreeMap<>(entries));
    }
  }

  /** The model folder itself cannot be loaded (e.g. its config is invalid). */
  private ModelLoadException unloadable(String folderProblem) {
    LOG.warn("model '{}' cannot be loaded: {}", name, folderProblem);
    if (routing.isEmpty()) {
      problem = folderProblem;
      entries = Map.of();
    } else {
      keepServing(new TreeMap<>(entries), folderProblem);
    }
    return new ModelLoadException(folderProblem);
  }

  /** A reload loaded no version: whatever served before goes on serving. */
  private ModelLoadException nothingLoaded(
      ModelFolder folder, List<String> failures, TreeMap<Long, RepositoryEntry> next) {
    String failure =
        failures.isEmpty()
            ? "model '" + name + "' has no version selected by its version_policy "
                + folder.config().versionPolicy()
            : String.join("; ", failures);
    if (routing.isEmpty()) {
      problem = null;
    } else {
      keepServing(next, failure);
    }
    return new ModelLoadException(failure);
  }

  /**
   * Loads one version into {@code loaded}.
   *
   * @return null, or why it failed, with paths relative to the repository
   */
  private String tryLoad(
      VersionFolder version,
      ModelConfig config,
      ServingContext context,
      TreeMap<Long, ServedVersion> loaded) {
    try {
      loaded.put(version.version(), ServedVersion.load(name, version, config, context));
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
    routing.keySet().forEach(v -> next.put(v, keptEntry(v, failure)));
    publish(next);
  }

  private RepositoryEntry keptEntry(long version, String failure) {
    return entry(
        version,
        ModelState.READY,
        "reload failed: " + failure + "; the version loaded before keeps serving");
  }

  private static List<Long> selectedVersions(ModelFolder folder) {
    return folder
        .config()
        .versionPolicy()
        .select(folder.versions().stream().map(VersionFolder::version).toList());
  }

  private TreeMap<Long, RepositoryEntry> initialEntries(ModelFolder folder, List<Long> selected) {
    TreeMap<Long, RepositoryEntry> next = new TreeMap<>();
    for (VersionFolder version : folder.versions()) {
      long v = version.version();
      RepositoryEntry entry;
      if (!selected.contains(v)) {
        entry = entry(v, ModelState.UNAVAILABLE, "not selected by the version_policy");
      } else if (routing.containsKey(v)) {
        entry = entry(v, ModelState.READY, "");
      } else if (version.problem() != null) {
        entry = entry(v, ModelState.UNAVAILABLE, version.problem());
      } else {
        entry = entry(v, ModelState.LOADING, "");
      }
      next.put(v, entry);
    }
    return next;
  }

  /**
   * Routes to {@code loaded}, then drains the versions routed before that it does not keep;
   * versions that are not replaced become unavailable ("unloaded"). {@code next} holds every other
   * version's entry, and the entries of kept versions.
   */
  private void swapTo(
      NavigableMap<Long, ServedVersion> loaded, TreeMap<Long, RepositoryEntry> next) {
    NavigableMap<Long, ServedVersion> old = routing;
    loaded.forEach(
        (v, served) -> {
          if (old.get(v) != served) {
            next.put(v, entry(v, ModelState.READY, ""));
          }
        });
    for (Long v : old.keySet()) {
      if (!loaded.containsKey(v)) {
        next.put(v, entry(v, ModelState.UNLOADING, ""));
      }
    }
    routing = Collections.unmodifiableNavigableMap(new TreeMap<>(loaded));
    publish(next);
    for (ServedVersion served : old.values()) {
      ServedVersion successor = loaded.get(served.version());
      if (successor == served) {
        continue;
      }
      served.drainAndClose();
      if (successor == null) {
        served.removeMeters();
        next.put(served.version(), entry(served.version(), ModelState.UNAVAILABLE, "unloaded"));
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
