package dev.serval.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code <command> serve --data DIR --port 0} (or {@code gateway ...}) in its own process, so that
 * the benchmark client does not share a JVM (heap, JIT, GC) with the server it measures. Ready
 * once the server prints the line {@code Serval is listening on URL} ({@code Serval gateway is
 * listening on URL}).
 */
public final class ChildJvmServer implements RunningServer {
  /** The Serval CLI's entry point; the benchmark cannot link to it, since the CLI links to it. */
  public static final String CLI_MAIN = "dev.serval.server.cli.Main";

  private static final Pattern LISTENING =
      Pattern.compile("Serval (?:gateway )?is listening on (\\S+)");
  private static final int SHOWN_OUTPUT_LINES = 40;

  private final Process process;
  private final URI baseUrl;

  private ChildJvmServer(Process process, URI baseUrl) {
    this.process = process;
    this.baseUrl = baseUrl;
  }

  /** This JVM's java and class path running the Serval CLI: what the fat jar contains. */
  public static List<String> defaultCommand() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(java, "-cp", System.getProperty("java.class.path"), CLI_MAIN);
  }

  /**
   * Starts the server and waits until it listens.
   *
   * @throws IllegalStateException when it exits before listening
   */
  public static ChildJvmServer start(List<String> command, Path dataDir) {
    return start(command, dataDir, List.of());
  }

  /**
   * Starts the server with more {@code serve} options (e.g. {@code --model-repository DIR}) and
   * waits until it listens.
   *
   * @throws IllegalStateException when it exits before listening
   */
  public static ChildJvmServer start(List<String> command, Path dataDir, List<String> options) {
    List<String> arguments = new ArrayList<>(List.of("serve", "--data", dataDir.toString(),
        "--host", "127.0.0.1", "--port", "0"));
    arguments.addAll(options);
    return run(command, arguments);
  }

  /**
   * Starts {@code command} with {@code arguments} (a subcommand and its options, which must
   * make it listen) and waits until it listens.
   *
   * @throws IllegalStateException when it exits before listening
   */
  public static ChildJvmServer run(List<String> command, List<String> arguments) {
    List<String> full = new ArrayList<>(command);
    full.addAll(arguments);
    try {
      Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
      try {
        return new ChildJvmServer(process, awaitUrl(process));
      } catch (RuntimeException e) {
        process.destroyForcibly();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + full.get(0) + ": " + e.getMessage(), e);
    }
  }

  private static URI awaitUrl(Process process) throws IOException {
    BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        drainInBackground(lines);
        return URI.create(m.group(1));
      }
      seen.add(line);
    }
    List<String> last = seen.subList(Math.max(0, seen.size() - SHOWN_OUTPUT_LINES), seen.size());
    throw new IllegalStateException("the server exited before listening:\n"
        + String.join("\n", last));
  }

  /** Keeps reading the child's output so that it never blocks on a full pipe. */
  private static void drainInBackground(BufferedReader lines) {
    Thread drain = new Thread(() -> {
      try {
        while (lines.readLine() != null) {
          // the server's log is not part of the measurement
        }
      } catch (IOException ignored) {
        // the child exited
      }
    }, "bench-server-output");
    drain.setDaemon(true);
    drain.start();
  }

  @Override
  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * CPU time the process has used so far, all its threads; a cost per request that other load
   * on the machine disturbs far less than latency.
   *
   * @throws IllegalStateException when the operating system does not report it
   */
  public long cpuNanos() {
    return process.info().totalCpuDuration()
        .orElseThrow(() -> new IllegalStateException("the operating system does not report the "
            + "CPU time of process " + process.pid()))
        .toNanos();
  }

  /** Ends the process at once (SIGKILL), as a crash would; returns when it is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the server gracefully, forcibly after a minute. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
