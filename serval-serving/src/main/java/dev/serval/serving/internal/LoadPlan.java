package dev.serval.serving.internal;

import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.serving.Deployment;
import dev.serval.serving.ModelState;
import dev.serval.serving.RepositoryEntry;
import dev.serval.serving.internal.ModelRepository.ModelFolder;
import dev.serval.serving.internal.ModelRepository.VersionFolder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one change of a model's loaded versions does, worked out before anything changes: which
 * versions it selects, which it loads, which loaded ones it keeps as they are, and the index
 * entries to show while it loads.
 */
final class LoadPlan {
  private final List<Long> selected;
  private final List<VersionFolder> toLoad = new ArrayList<>();
  private final TreeMap<Long, ServedVersion> kept = new TreeMap<>();
  private final TreeMap<Long, RepositoryEntry> entries = new TreeMap<>();

  /**
   * @param target the deployment to serve, or null for the folder's version policy
   * @param excluded version → why it must not be loaded
   * @param reuse whether versions already loaded are kept as they are rather than reloaded
   * @param routing what serves now
   * @throws ModelNotFoundException when a version of the deployment has no folder
   * @throws InvalidInputException when a version of the deployment is excluded
   */
  LoadPlan(
      ModelFolder folder,
      Deployment target,
      Map<Long, String> excluded,
      boolean reuse,
      Routing routing) {
    this.selected =
        target == null ? selectedByPolicy(folder, excluded) : deployable(folder, target, excluded);
    for (VersionFolder version : folder.versions()) {
      long v = version.version();
      ServedVersion serving = routing.get(v);
      entries.put(v, initialEntry(folder.name(), version, excluded, target, serving != null));
      if (selected.contains(v) && reuse && serving != null) {
        kept.put(v, serving);
      } else if (selected.contains(v)) {
        toLoad.add(version);
      }
    }
  }

  /** The version folders to load, ascending; some may have a problem that fails them. */
  List<VersionFolder> toLoad() {
    return toLoad;
  }

  /** Loaded versions that stay as they are; a fresh map, for the caller to add to. */
  TreeMap<Long, ServedVersion> kept() {
    return new TreeMap<>(kept);
  }

  /** The index entries while the versions load; a fresh map, for the caller to update. */
  TreeMap<Long, RepositoryEntry> entries() {
    return new TreeMap<>(entries);
  }

  private static List<Long> selectedByPolicy(ModelFolder folder, Map<Long, String> excluded) {
    List<Long> candidates = new ArrayList<>();
    for (VersionFolder version : folder.versions()) {
      if (!excluded.containsKey(version.version())) {
        candidates.add(version.version());
      }
    }
    return folder.config().versionPolicy().select(candidates);
  }

  /** The deployment's versions, once each is known to have a folder and not to be excluded. */
  private static List<Long> deployable(
      ModelFolder folder, Deployment target, Map<Long, String> excluded) {
    String model = folder.name();
    List<Long> present = folder.versions().stream().map(VersionFolder::version).toList();
    for (long version : target.versions()) {
      if (!present.contains(version)) {
        throw new ModelNotFoundException(
            "model '"
                + model
                + "' has no version "
                + version
                + " in the model repository (no"
                + " folder "
                + model
                + "/"
                + version
                + ")");
      }
      String reason = excluded.get(version);
      if (reason != null) {
        throw new InvalidInputException(
            "model '"
                + model
                + "' version "
                + version
                + " is excluded ("
                + reason
                + "); readmit it before deploying it");
      }
    }
    return List.copyOf(target.versions());
  }

  private RepositoryEntry initialEntry(
      String model,
      VersionFolder version,
      Map<Long, String> excluded,
      Deployment target,
      boolean serving) {
    long v = version.version();
    if (excluded.containsKey(v)) {
      return entry(model, v, ModelState.UNAVAILABLE, "excluded: " + excluded.get(v));
    } else if (!selected.contains(v)) {
      String reason =
          target == null ? "not selected by the version_policy" : "not in the deployment";
      return entry(model, v, ModelState.UNAVAILABLE, reason);
    } else if (serving) {
      return entry(model, v, ModelState.READY, "");
    } else if (version.problem() != null) {
      return entry(model, v, ModelState.UNAVAILABLE, version.problem());
    }
    return entry(model, v, ModelState.LOADING, "");
  }

  private static RepositoryEntry entry(String model, long v, ModelState state, String reason) {
    return new RepositoryEntry(model, Long.toString(v), state, reason);
  }
}
