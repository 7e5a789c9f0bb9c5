package dev.serval.server.cli;

import dev.serval.bench.ServingBenchmark;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Serval server in its own JVM, started from this program's class path, for benchmarks. */
final class ChildServer implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("Serval is listening on (\\S+)");
  private final Process process;
  private final String baseUrl;
  private final Path repository;

  private ChildServer(Process process, String baseUrl, Path repository) {
    this.process = process;
    this.baseUrl = baseUrl;
    this.repository = repository;
  }

  static ChildServer startWithBenchmarkModel(PrintStream progress) {
    try {
      // A registry of its own: the user's ~/.serval/data may be held by their running server.
      Path repository = Files.createTempDirectory("serval-bench-models");
      ServingBenchmark.writeDefaultModel(repository.resolve("models/mlp/1/model.onnx"));
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> command =
          List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
              "serve", "--model-repository", repository.resolve("models").toString(),
              "--data", repository.resolve("data").toString(), "--port", "0");
      progress.println("bench: starting a Serval server for the benchmark model ...");
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String url = awaitUrl(process);
      progress.println("bench: server ready at " + url);
      return new ChildServer(process, url, repository);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the benchmark server: " + e.getMessage(), e);
    }
  }

  private static String awaitUrl(Process process) throws IOException {
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        drainInBackground(lines);
        return m.group(1);
      }
      seen.append(line).append('\n');
    }
    throw new IllegalStateException("the benchmark server exited before listening:\n" + seen);
  }

  /** Keeps reading the child's output so that it never blocks on a full pipe. */
  private static void drainInBackground(BufferedReader lines) {
    Thread drain =
        new Thread(
            () -> {
              try {
                while (lines.readLine() != null) {
                  // discard
                }
              } catch (IOException ignored) {
                // the child exited
              }
            },
            "bench-server-output");
    drain.setDaemon(true);
    drain.start();
  }

  String baseUrl() {
    return baseUrl;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      try (var files = Files.walk(repository)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // leftover temp files are harmless
    }
  }
}
