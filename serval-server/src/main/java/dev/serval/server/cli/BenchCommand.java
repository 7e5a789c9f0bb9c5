package dev.serval.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code serval bench}: measures the runtime and the server on this machine. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmark raw ONNX Runtime and the server under load (see docs/benchmarks.md).")
final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UsageException("bench is not wired yet");
  }
}
