package dev.serval.bench.internal;

import dev.serval.bench.SwapBenchmark;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;

/** The options of {@code --swap}: the zero-downtime swap benchmark instead of the serving one. */
final class SwapBenchCommand {
  static final String FLAG = "--swap";
  static final String INTERVAL = "--swap-interval";
  private static final Set<String> ACCEPTED =
      Set.of(FLAG, INTERVAL, "--clients", "--duration", "--warmup", "--out");

  private SwapBenchCommand() {}

  /** @throws IllegalArgumentException when an option has a bad value or is not used by --swap */
  static SwapBenchmark configure(Map<String, String> o, PrintStream err) {
    for (String name : o.keySet()) {
      if (!ACCEPTED.contains(name)) {
        throw new IllegalArgumentException(name + " is not used with " + FLAG);
      }
    }
    SwapBenchmark.Builder b = SwapBenchmark.builder().progress(err::println);
    b.clients(BenchCommand.number(o, "--clients", 16));
    b.durations(BenchCommand.seconds(o, "--warmup", 5), BenchCommand.seconds(o, "--duration", 20));
    b.swapInterval(BenchCommand.seconds(o, INTERVAL, 2));
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Without {@code --swap} its interval would be silently ignored, so it is refused. */
  static void refuseSwapOptions(Map<String, String> o) {
    if (o.containsKey(INTERVAL)) {
      throw new IllegalArgumentException(INTERVAL + " needs " + FLAG);
    }
  }
}
