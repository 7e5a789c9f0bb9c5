package dev.serval.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;

/**
 * The machine a benchmark ran on, so that numbers are never read without their context.
 *
 * @param startedAt ISO-8601 instant the run started
 */
public record Environment(String startedAt, int cpus, String cpuModel, String java, String os) {

  /** Describes the current JVM and machine. */
  public static Environment capture(Clock clock) {
    return new Environment(
        clock.instant().toString(),
        Runtime.getRuntime().availableProcessors(),
        cpuModel(Path.of("/proc/cpuinfo")),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"));
  }

  static String cpuModel(Path cpuinfo) {
    if (!Files.isReadable(cpuinfo)) {
      return "unknown";
    }
    try (Stream<String> lines = Files.lines(cpuinfo)) {
      return lines.filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException | UncheckedIOException e) {
      // the CPU model is context for the reader, not worth failing a benchmark over
      return "unknown";
    }
  }
}
