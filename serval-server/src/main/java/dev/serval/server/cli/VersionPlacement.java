package dev.serval.server.cli;

import dev.serval.registry.ModelRegistry;
import dev.serval.registry.VersionRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts registry versions where the model manager loads them: each becomes {@code
 * <repository>/<model>/<version>/model.onnx}, a hard link to the content-addressed artifact (a
 * copy across file systems). The registry stays the source of truth; this folder is a cache of it.
 */
final class VersionPlacement {
  private static final Logger log = LoggerFactory.getLogger(VersionPlacement.class);
  static final String ARTIFACT = "model.onnx";

  private final ModelRegistry registry;
  private final Path repository;

  VersionPlacement(ModelRegistry registry, Path repository) {
    this.registry = registry;
    this.repository = repository;
  }

  /**
   * @return whether the version was placed now (false when it already was)
   * @throws UncheckedIOException when it cannot be placed
   */
  boolean place(VersionRecord version) {
    Path folder = folder(version.model(), version.version());
    if (Files.exists(folder.resolve(ARTIFACT))) {
      return false;
    }
    try {
      place(registry.artifacts().path(version.sha256()), folder);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot put version " + version.version() + " of '" + version.model()
              + "' into the model repository at " + folder + ": " + e.getMessage(), e);
    }
  }

  /** Removes the version folders of {@code model} that are not in {@code keep}. */
  void removeAllBut(String model, Set<Long> keep) {
    Path modelFolder = repository.resolve(model);
    if (!Files.isDirectory(modelFolder)) {
      return;
    }
    try (Stream<Path> children = Files.list(modelFolder)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (name.chars().allMatch(Character::isDigit) && !keep.contains(Long.parseLong(name))) {
          deleteTree(child);
          log.info("removed version {} of '{}' from the model repository", name, model);
        }
      }
    } catch (IOException e) {
      log.warn("cannot tidy the repository folder of '{}': {}", model, e.toString());
    }
  }

  /** Removes the model's whole folder (the model was deleted from the registry). */
  void removeModel(String model) {
    try {
      deleteTree(repository.resolve(model));
    } catch (IOException e) {
      log.warn("cannot remove the repository folder of '{}': {}", model, e.toString());
    }
  }

  private Path folder(String model, long version) {
    return repository.resolve(model).resolve(Long.toString(version));
  }

  /**
   * Builds the version folder under a hidden name, which the model repository skips, and renames
   * it into place, so that no scan sees a version folder without its artifact.
   */
  private static void place(Path artifact, Path folder) throws IOException {
    Path staging = Files.createTempDirectory(
        Files.createDirectories(folder.getParent()), "." + folder.getFileName() + "-");
    try {
      linkOrCopy(artifact, staging.resolve(ARTIFACT));
      Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(staging.resolve(ARTIFACT));
      Files.deleteIfExists(staging);
    }
  }

  /** A hard link costs no space or time; artifacts on another file system are copied. */
  private static void linkOrCopy(Path artifact, Path target) throws IOException {
    try {
      Files.createLink(target, artifact);
    } catch (IOException | UnsupportedOperationException e) {
      log.debug("cannot link {} ({}); copying it", artifact, e.toString());
      Files.copy(artifact, target);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
