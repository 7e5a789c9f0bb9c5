package dev.serval.jobs.internal;

import dev.serval.jobs.MetricPoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs one attempt of a job as a child process: output (stdout and stderr together) goes to the
 * attempt's bounded log, {@code serval.metric} lines to the metric sink; the process tree is
 * killed when the attempt times out or the watch says it is no longer this worker's to run.
 */
public final class AttemptRunner {
  private static final long POLL_MILLIS = 50;
  public static final Duration KILL_GRACE = Duration.ofSeconds(5);
  private static final long PUMP_JOIN_MILLIS = 5_000;

  /** What one attempt runs and where. */
  public record Attempt(List<String> command, Path workDir, Map<String, String> env,
      Duration timeout, CpuBudget cpu, LogFiles log, long maxLogBytes) {}

  /** How the attempt ended. */
  public enum End { EXITED, TIMED_OUT, STOPPED, NOT_STARTED }

  /** @param exitCode for EXITED only; @param reason for NOT_STARTED */
  public record Outcome(End end, Integer exitCode, String reason) {}

  private final Clock clock;
  private final LongSupplier nanos;
  private final Duration heartbeat;

  /** @param heartbeat how often the watch is asked whether the attempt may go on */
  public AttemptRunner(Clock clock, LongSupplier nanos, Duration heartbeat) {
    this.clock = clock;
    this.nanos = nanos;
    this.heartbeat = heartbeat;
  }

  /**
   * @param watch false stops the attempt (cancelled, or no longer this worker's)
   * @param metrics receives each metric line as it is written
   */
  public Outcome run(Attempt attempt, BooleanSupplier watch, Consumer<MetricPoint> metrics)
      throws IOException {
    String path = attempt.env().get("PATH");
    String program = attempt.command().get(0);
    Optional<Path> found = ProgramLookup.find(program, attempt.workDir(), path);
    if (found.isEmpty()) {
      return notStarted(attempt, "program " + Checks.show(program) + " was not found"
          + (program.contains("/") ? " (or is not executable) in " + attempt.workDir()
              : " on the worker's PATH (" + path + ")") + "; install it or give its full path");
    }
    List<String> command = new ArrayList<>(attempt.command());
    command.set(0, found.get().toString());
    ProcessBuilder builder = new ProcessBuilder(attempt.cpu().wrap(command))
        .directory(attempt.workDir().toFile())
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().putAll(attempt.env());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return notStarted(attempt, "cannot start " + Checks.show(program) + ": " + e.getMessage());
    }
    try (LogWriter log = new LogWriter(attempt.log(), attempt.maxLogBytes())) {
      Thread pump = pump(process, log, metrics);
      Outcome outcome = monitor(process, attempt.timeout(), watch);
      pump.join(PUMP_JOIN_MILLIS);
      // A background child may still hold the output open: the attempt is over regardless.
      process.getInputStream().close();
      pump.join(PUMP_JOIN_MILLIS);
      return outcome;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ProcessTree.kill(process.toHandle(), Duration.ZERO);
      return new Outcome(End.STOPPED, null, "interrupted");
    }
  }

  private Outcome monitor(Process process, Duration timeout, BooleanSupplier watch)
      throws InterruptedException {
    long start = nanos.getAsLong();
    long nextBeat = start + heartbeat.toNanos();
    while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
      long now = nanos.getAsLong();
      if (timeout != null && now - start >= timeout.toNanos()) {
        ProcessTree.kill(process.toHandle(), KILL_GRACE);
        return new Outcome(End.TIMED_OUT, null, "timed out after " + timeout);
      }
      if (now - nextBeat >= 0) {
        nextBeat = now + heartbeat.toNanos();
        if (!watch.getAsBoolean()) {
          ProcessTree.kill(process.toHandle(), KILL_GRACE);
          return new Outcome(End.STOPPED, null, "stopped");
        }
      }
    }
    return new Outcome(End.EXITED, process.exitValue(), "");
  }

  private Thread pump(Process process, LogWriter log, Consumer<MetricPoint> metrics) {
    MetricLines parser = new MetricLines();
    Thread thread = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          log.line(line);
          Optional<MetricLines.Parsed> parsed = parser.outputLine(line, clock.instant());
          if (parsed.isPresent()) {
            record(parsed.get(), log, metrics);
          }
        }
      } catch (IOException e) {
        // The output was closed after the attempt ended; nothing more to read.
      }
    }, "serval-job-output");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Reads the metrics file the job may have written, into the sink. */
  public void readMetricsFile(Path file, LogFiles logFiles, Consumer<MetricPoint> metrics)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      return;
    }
    MetricLines parser = new MetricLines();
    List<String> problems = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      parser.fileLine(line, clock.instant()).ifPresent(parsed -> {
        if (parsed instanceof MetricLines.Metric m) {
          metrics.accept(m.point());
        } else if (parsed instanceof MetricLines.Malformed bad) {
          problems.add(bad.problem());
        }
      });
    }
    if (!problems.isEmpty()) {
      appendToLog(logFiles, problems.stream().map(p -> "[serval] metrics file: ignored " + p)
          .toList());
    }
  }

  private static void record(MetricLines.Parsed parsed, LogWriter log,
      Consumer<MetricPoint> metrics) throws IOException {
    if (parsed instanceof MetricLines.Metric m) {
      metrics.accept(m.point());
    } else if (parsed instanceof MetricLines.Malformed bad) {
      log.line("[serval] ignored metric line: " + bad.problem());
    }
  }

  private static Outcome notStarted(Attempt attempt, String reason) throws IOException {
    appendToLog(attempt.log(), List.of("[serval] " + reason));
    return new Outcome(End.NOT_STARTED, null, reason);
  }

  /** Adds lines to the end of a log no process writes any more. */
  public static void appendToLog(LogFiles log, List<String> lines) {
    try {
      Files.write(log.current(), lines, StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the job log " + log.current(), e);
    }
  }
}
