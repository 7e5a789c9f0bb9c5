package dev.serval.server.cli;

import dev.serval.bench.ServingBenchmark;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code serval bench}: measures raw ONNX Runtime and a Serval server under load. Options go to
 * the benchmark's own parser ({@code serval bench --help}); without {@code --server} a server is
 * started in a separate process on the benchmark model, so client and server do not share a JVM.
 */
@Command(
    name = "bench",
    description = {
      "Benchmark raw ONNX Runtime and the server under load (see docs/benchmarks.md).",
      "Without --server URL, starts its own server on the benchmark model. --help lists options."
    })
final class BenchCommand implements Callable<Integer> {
  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    // The registry, swap and gateway benchmarks start the servers they measure themselves.
    if (args.contains("--help") || hasOption("--server") || hasOption("--write-model")
        || args.contains("--registry") || args.contains("--swap") || args.contains("--gateway")) {
      return ServingBenchmark.runCommand(args.toArray(String[]::new), System.out, System.err);
    }
    try (ChildServer server = ChildServer.startWithBenchmarkModel(System.err)) {
      List<String> withServer = new ArrayList<>(args);
      withServer.add("--server");
      withServer.add(server.baseUrl());
      return ServingBenchmark.runCommand(withServer.toArray(String[]::new), System.out, System.err);
    }
  }

  private boolean hasOption(String name) {
    return args.stream().anyMatch(a -> a.equals(name) || a.startsWith(name + "="));
  }
}
