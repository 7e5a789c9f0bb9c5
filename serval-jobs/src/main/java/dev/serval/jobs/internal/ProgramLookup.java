package dev.serval.jobs.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the program a job names, as a shell would, so a missing one is reported plainly. */
public final class ProgramLookup {
  private ProgramLookup() {}

  /** A name with a '/' is a path (relative to the work directory); otherwise PATH is searched. */
  public static Optional<Path> find(String program, Path workDir, String path) {
    try {
      if (program.contains("/")) {
        Path file = workDir.resolve(program);
        return Files.isRegularFile(file) && Files.isExecutable(file)
            ? Optional.of(file) : Optional.empty();
      }
      return onPath(program, path);
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  static Optional<Path> onPath(String program, String path) {
    if (path == null || program.isEmpty()) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir).resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
