package dev.serval.server.cli;

import dev.serval.registry.ModelFilter;
import dev.serval.registry.ModelRecord;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.Page;
import dev.serval.registry.PageRequest;
import dev.serval.registry.VersionRecord;
import dev.serval.registry.VersionState;
import dev.serval.serving.ModelService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts READY registry versions where the model manager serves them, so that a model serves its
 * newest READY version (Triton's {@code latest} policy): each becomes
 * {@code <repository>/<model>/<version>/model.onnx}. The registry stays the source of truth; a
 * version that could not be placed is placed again at the next start.
 */
final class ReadyVersions {
  private static final Logger log = LoggerFactory.getLogger(ReadyVersions.class);
  private static final String ARTIFACT = "model.onnx";
  private static final int PAGE = PageRequest.MAX_LIMIT;

  private final ModelRegistry registry;
  private final Path repository;

  ReadyVersions(ModelRegistry registry, Path repository) {
    this.registry = registry;
    this.repository = repository;
  }

  /**
   * Places every READY version that the repository lacks; call before the models load.
   *
   * @return the versions placed
   */
  List<VersionRecord> placeMissing() {
    List<VersionRecord> placed = new ArrayList<>();
    for (ModelRecord model : all(page -> registry.listModels(ModelFilter.ALL, page))) {
      for (VersionRecord version : all(page -> registry.listVersions(model.name(), page))) {
        if (version.state() == VersionState.READY && tryPlace(version)) {
          placed.add(version);
        }
      }
    }
    return placed;
  }

  /** Places a version that just became READY and reloads its model, which then serves it. */
  void publish(VersionRecord ready, ModelService models) {
    if (!tryPlace(ready)) {
      return;
    }
    try {
      models.load(ready.model());
      log.info("serving version {} of '{}'", ready.version(), ready.model());
    } catch (RuntimeException e) {
      log.warn("version {} of '{}' is READY but its model did not load: {}", ready.version(),
          ready.model(), e.getMessage(), e);
    }
  }

  /** @return whether the version is in the repository now and was not before */
  private boolean tryPlace(VersionRecord version) {
    Path folder = repository.resolve(version.model()).resolve(String.valueOf(version.version()));
    if (Files.exists(folder.resolve(ARTIFACT))) {
      return false;
    }
    try {
      place(registry.artifacts().path(version.sha256()), folder);
      return true;
    } catch (IOException | UncheckedIOException e) {
      log.warn("cannot put version {} of '{}' into the model repository at {}: {}; it stays"
              + " READY in the registry and is placed again at the next start",
          version.version(), version.model(), folder, e.toString());
      return false;
    }
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
