package dev.serval.bench.internal;

import static dev.serval.bench.internal.BenchCommand.number;

import dev.serval.bench.RegistryBenchmark;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The options of {@code --registry}: the registry benchmark instead of the serving one. */
final class RegistryBenchCommand {
  static final String FLAG = "--registry";
  private static final List<String> OPTIONS = List.of("--push-width", "--pushes",
      "--warmup-pushes", "--versions", "--models", "--requests", "--warmup-requests",
      "--work-dir");

  private RegistryBenchCommand() {}

  /** @throws IllegalArgumentException when an option has a bad value */
  static RegistryBenchmark configure(Map<String, String> o, PrintStream err) {
    RegistryBenchmark.Builder b = RegistryBenchmark.builder().progress(err::println);
    if (o.containsKey("--server")) {
      err.println("serval-bench: --registry starts its own servers; --server is not used");
    }
    b.pushWidth(number(o, "--push-width", 5000));
    b.pushes(number(o, "--pushes", 5), number(o, "--warmup-pushes", 1));
    b.registrySize(number(o, "--versions", 10_000), number(o, "--models", 200));
    b.requests(number(o, "--requests", 2000), number(o, "--warmup-requests", 500));
    if (o.containsKey("--work-dir")) {
      b.workDir(Path.of(o.get("--work-dir")));
    }
    return buildChecked(b);
  }

  /** Registry options without {@code --registry} would be silently ignored, so they are refused. */
  static void refuseRegistryOptions(Map<String, String> o) {
    for (String name : OPTIONS) {
      if (o.containsKey(name)) {
        throw new IllegalArgumentException(name + " needs " + FLAG);
      }
    }
  }

  private static RegistryBenchmark buildChecked(RegistryBenchmark.Builder b) {
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
