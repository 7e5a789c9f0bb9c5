package dev.serval.compress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A temporary folder for intermediate model files, deleted with everything in it on close. */
public final class WorkFolder implements AutoCloseable {
  private final Path path;

  private WorkFolder(Path path) {
    this.path = path;
  }

  /** A new folder in {@code parent} (the system's temporary folder when null). */
  public static WorkFolder create(Path parent, String prefix) {
    try {
      return new WorkFolder(parent == null ? Files.createTempDirectory(prefix)
          : Files.createTempDirectory(parent, prefix));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work folder"
          + (parent == null ? "" : " in " + parent) + ": " + e.getMessage(), e);
    }
  }

  public Path resolve(String name) {
    return path.resolve(name);
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(path)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the work folder " + path + ": "
          + e.getMessage(), e);
    }
  }
}
