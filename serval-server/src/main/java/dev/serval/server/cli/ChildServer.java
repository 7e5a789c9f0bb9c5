package dev.serval.server.cli;

import dev.serval.bench.ServingBenchmark;
import dev.serval.bench.ChildJvmServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Serval server in its own JVM, started from this program's class path, serving the benchmark
 * model from a temporary folder that also holds its own registry (the user's ~/.serval/data may be
 * held by their running server).
 */
final class ChildServer implements AutoCloseable {
  private final ChildJvmServer server;
  private final Path folder;

  private ChildServer(ChildJvmServer server, Path folder) {
    this.server = server;
    this.folder = folder;
  }

  static ChildServer startWithBenchmarkModel(PrintStream progress) {
    Path folder;
    try {
      folder = Files.createTempDirectory("serval-bench-models");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the benchmark server: " + e.getMessage(), e);
    }
    Path models = folder.resolve("models");
    ServingBenchmark.writeDefaultModel(models.resolve("mlp/1/model.onnx"));
    progress.println("bench: starting a Serval server for the benchmark model ...");
    ChildJvmServer server = ChildJvmServer.start(ChildJvmServer.defaultCommand(),
        folder.resolve("data"), List.of("--model-repository", models.toString()));
    progress.println("bench: server ready at " + server.baseUrl());
    return new ChildServer(server, folder);
  }

  String baseUrl() {
    return server.baseUrl().toString();
  }

  @Override
  public void close() {
    server.close();
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // leftover temp files are harmless
    }
  }
}
