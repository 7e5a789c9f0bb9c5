package dev.serval.server.cli;

import dev.serval.core.ServalException;
import dev.serval.serving.ModelManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload of a model repository ({@code --poll}): a new or changed version folder is validated
 * like a pushed version and, when it passes, rolled out by a reload (load and warm, switch,
 * drain); a folder that fails is reported, excluded from serving and otherwise ignored, so the
 * model keeps serving what it served. A removed version folder or a changed {@code config.json}
 * reloads the model.
 *
 * <p>A folder is acted on once it has looked the same for two polls in a row, so a file still
 * being copied in is not read half-written.
 */
final class RepositoryPoller {
  private static final Logger log = LoggerFactory.getLogger(RepositoryPoller.class);

  /** Says why a version folder must not serve, or empty when it may. */
  @FunctionalInterface
  interface VersionCheck {
    Optional<String> problem(Path versionFolder);
  }

  private final Path repository;
  private final ModelManager models;
  private final VersionCheck check;
  /** Models another source manages (the registry places its versions itself). */
  private final Predicate<String> managedElsewhere;
  /** What each model folder looked like when last acted on. */
  private final Map<String, Map<String, String>> applied = new HashMap<>();
  /** What each model folder looked like at the previous poll, to see that it has settled. */
  private final Map<String, Map<String, String>> previous = new HashMap<>();

  RepositoryPoller(
      Path repository, ModelManager models, VersionCheck check, Predicate<String> managedElsewhere) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.models = Objects.requireNonNull(models, "models");
    this.check = Objects.requireNonNull(check, "check");
    this.managedElsewhere = Objects.requireNonNull(managedElsewhere, "managedElsewhere");
  }

  /** Takes the repository as it is now as already served (the manager loaded it at start). */
  void baseline() {
    for (String model : modelNames()) {
      Map<String, String> now = fingerprint(model);
      applied.put(model, now);
      previous.put(model, now);
    }
  }

  /** One look at the repository; acts on every model folder that changed and has settled. */
  void poll() {
    Set<String> names = new HashSet<>(modelNames());
    names.addAll(applied.keySet());
    for (String model : names) {
      Map<String, String> now = fingerprint(model);
      Map<String, String> before = previous.put(model, now);
      Map<String, String> done = applied.getOrDefault(model, Map.of());
      if (now.equals(done) || !now.equals(before) || managedElsewhere.test(model)) {
        continue; // unchanged, still changing, or not ours to reload
      }
      act(model, done, now);
      applied.put(model, now);
    }
  }

  private void act(String model, Map<String, String> done, Map<String, String> now) {
    if (now.isEmpty()) {
      unload(model);
      return;
    }
    for (Map.Entry<String, String> entry : now.entrySet()) {
      String version = entry.getKey();
      if (isVersion(version) && !entry.getValue().equals(done.get(version))) {
        vet(model, Long.parseLong(version));
      }
    }
    try {
      models.load(model);
      log.info("hot reload: '{}' reloaded", model);
    } catch (ServalException e) {
      log.warn("hot reload: '{}' did not reload: {}", model, e.getMessage());
    }
  }

  /** Validates a new or changed version; one that fails is excluded from serving. */
  private void vet(String model, long version) {
    Path folder = repository.resolve(model).resolve(Long.toString(version));
    Optional<String> problem = check.problem(folder);
    if (problem.isPresent()) {
      models.exclude(model, version, "failed validation: " + problem.get());
      log.warn("hot reload: '{}' version {} is ignored: {}", model, version, problem.get());
    } else {
      models.readmit(model, version);
      log.info("hot reload: '{}' version {} passed validation", model, version);
    }
  }

  private void unload(String model) {
    applied.remove(model);
    previous.remove(model);
    try {
      models.unload(model);
      log.info("hot reload: '{}' was removed from the repository and is unloaded", model);
    } catch (ServalException e) {
      log.debug("hot reload: '{}' was not loaded: {}", model, e.getMessage());
    }
  }

  private List<String> modelNames() {
    try (Stream<Path> children = Files.list(repository)) {
      return children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(name -> !name.startsWith(".")).sorted().toList();
    } catch (IOException e) {
      log.warn("hot reload: cannot list {}: {}", repository, e.toString());
      return List.of();
    }
  }

  /**
   * Each visible entry of the model folder (version folders and config.json) → its files'
   * names, sizes and modification times; empty when the folder is gone.
   */
  private Map<String, String> fingerprint(String model) {
    Map<String, String> result = new TreeMap<>();
    Path folder = repository.resolve(model);
    if (!Files.isDirectory(folder)) {
      return result;
    }
    try (Stream<Path> entries = Files.list(folder)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.startsWith(".")) {
          result.put(name, describe(entry));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // a file vanished mid-look; the next poll sees the folder as it settles
      log.debug("hot reload: cannot read {}: {}", folder, e.toString());
    }
    return result;
  }

  private static String describe(Path entry) throws IOException {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> files = Files.walk(entry)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        text.append(entry.relativize(file)).append(':').append(Files.size(file)).append(':')
            .append(Files.getLastModifiedTime(file).toMillis()).append(';');
      }
    }
    return text.toString();
  }

  private static boolean isVersion(String name) {
    return !name.isEmpty() && name.length() <= 18 && name.chars().allMatch(Character::isDigit);
  }
}
