package dev.serval.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes model repository layouts for tests. */
final class Repos {
  private Repos() {}

  /** Creates {@code root/model/<v>/model.fake} for each version. */
  static void fakeModel(Path root, String model, long... versions) {
    for (long version : versions) {
      write(root.resolve(model).resolve(Long.toString(version)).resolve("model.fake"), "");
    }
  }

  static void config(Path root, String model, String json) {
    write(root.resolve(model).resolve("config.json"), json);
  }

  static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
