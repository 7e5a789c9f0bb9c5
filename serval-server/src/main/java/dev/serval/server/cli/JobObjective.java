package dev.serval.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serval.server.management.internal.JobsRoutes;
import dev.serval.tune.Objective;
import dev.serval.tune.Trial;
import dev.serval.tune.TrialPrunedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates a trial as a job on a server ({@code serval tune --jobs}): the command is submitted
 * with the trial's values as the job's parameters, so {@code {name}} placeholders work as in
 * {@code serval tune} and the workers run the trials in parallel. The job's log is followed:
 * {@code serval.report STEP VALUE} lines (or, with a metric named, that metric's
 * {@code serval.metric} lines) are intermediate values, a pruned trial's job is cancelled, and
 * the value is the last number on its own line (or the named metric's last value).
 */
final class JobObjective implements Objective {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern METRIC =
      Pattern.compile("serval\\.metric\\s+(\\S+)\\s+(\\S+)(?:\\s+(\\d+))?");

  private final ServalClient client;
  private final String jobName;
  private final List<String> command;
  private final Set<String> paramNames;
  private final Optional<Duration> timeout;
  private final String metric;
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  /**
   * @param jobName the jobs are named after it, with the trial number
   * @param paramNames every parameter of the search space: an inactive conditional one is an
   *     empty job parameter, so that its placeholder becomes empty as in {@code serval tune}
   * @param metric the {@code serval.metric} name that gives the values, or null for
   *     {@code serval.report} lines and the last number
   */
  JobObjective(ServalClient client, String jobName, List<String> command, Set<String> paramNames,
      Optional<Duration> timeout, String metric) {
    this.client = client;
    this.jobName = jobName;
    this.command = List.copyOf(command);
    this.paramNames = Set.copyOf(paramNames);
    this.timeout = timeout;
    this.metric = metric;
  }

  @Override
  public double evaluate(Trial trial) throws Exception {
    String id = submit(trial);
    running.add(id);
    try {
      if (cancelled) {
        cancelQuietly(id);
      }
      Values values = new Values(trial, id);
      JsonNode job = JobsCommand.Logs.events(client, id, null, values::line, attempt -> { });
      return values.result(job);
    } catch (TrialPrunedException e) {
      cancelQuietly(id);
      throw e;
    } finally {
      running.remove(id);
    }
  }

  private String submit(Trial trial) {
    ObjectNode body = JSON.createObjectNode();
    body.put("name", jobName + "-trial-" + trial.number());
    body.set("command", JSON.valueToTree(command));
    Map<String, String> params = new TreeMap<>();
    for (String name : paramNames) {
      Object value = trial.params().get(name);
      params.put(name, value == null ? "" : value.toString());
    }
    body.set("params", JSON.valueToTree(params));
    timeout.ifPresent(t -> body.put("timeout_seconds", t.toMillis() / 1000.0));
    return client.postJson(JobsRoutes.PREFIX, body).path("id").asText();
  }

  /** Cancels every running job; their trials fail. Used on Ctrl-C. */
  void cancel() {
    cancelled = true;
    running.forEach(this::cancelQuietly);
  }

  private void cancelQuietly(String id) {
    try {
      client.postJson(JobsCommand.jobPath(id) + "/cancel", Map.of());
    } catch (CommandException e) {
      // It finished meanwhile: nothing left to stop.
    }
  }

  /** What one job's log says: intermediate values as they come, then the result. */
  private final class Values {
    private final Trial trial;
    private final String id;
    private OptionalDouble last = OptionalDouble.empty();
    private int metricSteps;

    Values(Trial trial, String id) {
      this.trial = trial;
      this.id = id;
    }

    void line(String line) {
      String text = line.trim();
      if (metric != null) {
        Matcher m = METRIC.matcher(text);
        if (m.matches() && m.group(1).equals(metric) && isNumber(m.group(2))) {
          int step = m.group(3) == null ? metricSteps : Integer.parseInt(m.group(3));
          metricSteps = step + 1;
          last = OptionalDouble.of(Double.parseDouble(m.group(2)));
          report(step, last.getAsDouble());
        }
        return;
      }
      Matcher report = CommandObjective.REPORT.matcher(text);
      if (report.matches() && isNumber(report.group(2))) {
        report(Integer.parseInt(report.group(1)), Double.parseDouble(report.group(2)));
      } else if (isNumber(text)) {
        last = OptionalDouble.of(Double.parseDouble(text));
      }
    }

    private void report(int step, double value) {
      trial.report(step, value);
      if (trial.shouldPrune()) {
        throw new TrialPrunedException("pruned at step " + step + "; job " + id + " cancelled");
      }
    }

    double result(JsonNode job) throws CommandObjective.TrialCommandException {
      String state = job.path("state").asText();
      if (!"SUCCEEDED".equals(state)) {
        throw new CommandObjective.TrialCommandException("job " + id + " " + state
            + (job.path("reason").asText("").isEmpty() ? "" : ": " + job.path("reason").asText()));
      }
      if (last.isEmpty()) {
        throw new CommandObjective.TrialCommandException("job " + id + " printed "
            + (metric == null ? "no number on a line of its own" : "no metric " + metric));
      }
      return last.getAsDouble();
    }
  }

  private static boolean isNumber(String text) {
    return CommandObjective.NUMBER.matcher(text).matches();
  }
}
