package dev.serval.bench.internal;

import dev.serval.bench.GatewayBenchmark;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;

/** The options of {@code --gateway}: the gateway benchmark instead of the serving one. */
final class GatewayBenchCommand {
  static final String FLAG = "--gateway";
  static final String KILL_CLIENTS = "--kill-clients";
  static final String KILL_DURATION = "--kill-duration";
  private static final Set<String> ACCEPTED = Set.of(FLAG, KILL_CLIENTS, KILL_DURATION,
      "--clients", "--duration", "--warmup", "--server-warmup", "--out");

  private GatewayBenchCommand() {}

  /** @throws IllegalArgumentException when an option has a bad value or is not used here */
  static GatewayBenchmark configure(Map<String, String> o, PrintStream err) {
    for (String name : o.keySet()) {
      if (!ACCEPTED.contains(name)) {
        throw new IllegalArgumentException(name + " is not used with " + FLAG);
      }
    }
    GatewayBenchmark.Builder b = GatewayBenchmark.builder().progress(err::println);
    if (o.containsKey("--clients")) {
      b.clients(BenchCommand.ints(o, "--clients"));
    }
    b.durations(BenchCommand.seconds(o, "--warmup", 3), BenchCommand.seconds(o, "--duration", 10));
    b.serverWarmup(BenchCommand.seconds(o, "--server-warmup", 20));
    b.kill(BenchCommand.number(o, KILL_CLIENTS, 16), BenchCommand.seconds(o, KILL_DURATION, 15));
    return b.build();
  }

  /** Without {@code --gateway} its kill options would be silently ignored, so they are refused. */
  static void refuseGatewayOptions(Map<String, String> o) {
    for (String name : Set.of(KILL_CLIENTS, KILL_DURATION)) {
      if (o.containsKey(name)) {
        throw new IllegalArgumentException(name + " needs " + FLAG);
      }
    }
  }
}
