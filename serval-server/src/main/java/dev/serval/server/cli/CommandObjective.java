package dev.serval.server.cli;

import dev.serval.tune.Objective;
import dev.serval.tune.Trial;
import dev.serval.tune.TrialPrunedException;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates a trial by running a program: {@code {name}} in its arguments becomes the trial's
 * value of {@code name} (empty for an inactive conditional parameter), the last stdout line that
 * is a number is the objective value, and {@code serval.report STEP VALUE} lines are intermediate
 * values. A pruned, timed-out or cancelled program is killed with its child processes.
 */
final class CommandObjective implements Objective {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}\\s]+)}");
  static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?|[-+]?Infinity");
  static final Pattern REPORT =
      Pattern.compile("serval\\.report\\s+(\\d+)\\s+(\\S+)");

  private final List<String> command;
  private final Set<String> paramNames;
  private final Optional<Duration> timeout;
  private final ScheduledExecutorService timer;
  private final Set<Process> running = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  CommandObjective(List<String> command, Set<String> paramNames, Optional<Duration> timeout,
      ScheduledExecutorService timer) {
    this.command = List.copyOf(command);
    this.paramNames = Set.copyOf(paramNames);
    this.timeout = timeout;
    this.timer = timer;
  }

  /** Where intermediate values go; answers whether the trial should stop. */
  interface Reporter {
    boolean report(int step, double value);
  }

  @Override
  public double evaluate(Trial trial) throws Exception {
    return run(trial.params(), (step, value) -> {
      trial.report(step, value);
      return trial.shouldPrune();
    });
  }

  /**
   * Runs the program with {@code params}; its value, or {@link TrialPrunedException} once
   * {@code reporter} says to stop.
   */
  double run(Map<String, Object> params, Reporter reporter) throws Exception {
    Process process = new ProcessBuilder(arguments(params))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .start();
    running.add(process);
    AtomicBoolean timedOut = new AtomicBoolean();
    Optional<ScheduledFuture<?>> watchdog = timeout.map(t -> timer.schedule(() -> {
      timedOut.set(true);
      kill(process);
    }, t.toMillis(), TimeUnit.MILLISECONDS));
    try {
      if (cancelled) {
        kill(process);
      }
      OptionalDouble value;
      try {
        value = readOutput(process, reporter);
      } catch (IOException e) {
        // Killing the program closes its output under the reader; say why it was killed.
        failIfKilled(timedOut.get());
        throw e;
      }
      int exit = process.waitFor();
      failIfKilled(timedOut.get());
      failIf(exit != 0, "exit code " + exit);
      failIf(value.isEmpty(), "no number on standard output");
      return value.getAsDouble();
    } finally {
      watchdog.ifPresent(w -> w.cancel(false));
      running.remove(process);
      kill(process);
    }
  }

  private OptionalDouble readOutput(Process process, Reporter reporter) throws IOException {
    OptionalDouble last = OptionalDouble.empty();
    try (BufferedReader out = process.inputReader()) {
      String line;
      while ((line = out.readLine()) != null) {
        String text = line.trim();
        Matcher report = REPORT.matcher(text);
        if (report.matches() && NUMBER.matcher(report.group(2)).matches()) {
          int step = Integer.parseInt(report.group(1));
          if (reporter.report(step, Double.parseDouble(report.group(2)))) {
            throw new TrialPrunedException("pruned at step " + step);
          }
        } else if (NUMBER.matcher(text).matches()) {
          last = OptionalDouble.of(Double.parseDouble(text));
        }
      }
    }
    return last;
  }

  List<String> arguments(Map<String, Object> params) {
    return command.stream().map(arg -> PLACEHOLDER.matcher(arg).replaceAll(m -> {
      String name = m.group(1);
      if (!paramNames.contains(name)) {
        return Matcher.quoteReplacement(m.group());
      }
      Object value = params.get(name);
      return Matcher.quoteReplacement(value == null ? "" : value.toString());
    })).toList();
  }

  /** Kills every running program; their trials fail. Used on Ctrl-C. */
  void cancel() {
    cancelled = true;
    running.forEach(CommandObjective::kill);
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private void failIfKilled(boolean timedOut) throws TrialCommandException {
    failIf(timedOut, "timed out after " + timeout.map(Duration::toString).orElse(""));
    failIf(cancelled, "cancelled");
  }

  private static void failIf(boolean failed, String reason) throws TrialCommandException {
    if (failed) {
      throw new TrialCommandException(reason);
    }
  }

  /** The program did not produce a value; the trial fails with this reason. */
  static final class TrialCommandException extends Exception {
    private static final long serialVersionUID = 1L;

    TrialCommandException(String reason) {
      super(reason);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }
}
