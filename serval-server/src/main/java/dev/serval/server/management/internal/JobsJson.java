package dev.serval.server.management.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.serval.jobs.JobRecord;
import dev.serval.jobs.JobSpec;
import dev.serval.jobs.Jobs;
import dev.serval.jobs.MetricPoint;
import dev.serval.jobs.OutputModel;
import dev.serval.jobs.PublishedModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** The JSON of the jobs routes: snake_case, durations in seconds, times in ISO-8601. */
public final class JobsJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .build();

  private JobsJson() {}

  /** The body of {@code POST /api/v1/jobs}. */
  public record JobRequest(String name, List<String> command, Map<String, String> params,
      Map<String, String> env, String workDir, Double timeoutSeconds, Integer retries,
      Double retryDelaySeconds, List<OutputModel> outputModels, Integer cpuThreads)
      implements ManagementJson.RequestBody {
    @Override
    public Optional<String> missingField() {
      return name == null ? Optional.of("name")
          : command == null ? Optional.of("command") : Optional.empty();
    }

    public JobSpec spec() {
      return new JobSpec(name, command, sorted(params), sorted(env), workDir,
          timeoutSeconds == null ? null : seconds(timeoutSeconds),
          retries == null ? 0 : retries,
          retryDelaySeconds == null ? Duration.ZERO : seconds(retryDelaySeconds),
          outputModels == null ? List.of() : outputModels, cpuThreads);
    }
  }

  record JobJson(String id, String name, String state, String reason, Integer exitCode,
      int attempt, boolean cancelRequested, String worker, String created, String started,
      String finished, List<String> command, SortedMap<String, String> params,
      SortedMap<String, String> env, String workDir, Double timeoutSeconds, int retries,
      double retryDelaySeconds, List<OutputModel> outputModels, Integer cpuThreads,
      List<PublishedModel> outputs) {
    static JobJson of(JobRecord j) {
      JobSpec s = j.spec();
      return new JobJson(j.id(), s.name(), j.state().name(), j.reason(), j.exitCode(),
          j.attempt(), j.cancelRequested(), j.workerId(), text(j.createdAt()),
          text(j.startedAt()), text(j.finishedAt()), s.command(), s.params(), s.env(),
          s.workDir(), s.timeout() == null ? null : s.timeout().toMillis() / 1000.0,
          s.retries(), s.retryDelay().toMillis() / 1000.0, s.outputModels(), s.cpuThreads(),
          j.outputs());
    }
  }

  record JobList(List<JobJson> jobs, String next) {}

  record PointJson(long step, double value, String time) {}

  record MetricsJson(String job, int attempt, SortedMap<String, List<PointJson>> series) {}

  public static byte[] job(JobRecord job) {
    return write(JobJson.of(job));
  }

  public static byte[] jobs(Jobs.Page page) {
    return write(new JobList(page.jobs().stream().map(JobJson::of).toList(), page.next()));
  }

  /** Each metric as a series of (step, value, time), for plotting. */
  public static byte[] metrics(String job, int attempt, List<MetricPoint> points) {
    SortedMap<String, List<PointJson>> series = new TreeMap<>();
    for (MetricPoint p : points) {
      series.computeIfAbsent(p.name(), k -> new ArrayList<>())
          .add(new PointJson(p.step(), p.value(), text(p.time())));
    }
    return write(new MetricsJson(job, attempt, series));
  }

  private static Duration seconds(double value) {
    if (!Double.isFinite(value) || value < 0 || value > 1e9) {
      throw new dev.serval.core.InvalidInputException(
          "durations are seconds within 0..1e9, got " + value);
    }
    return Duration.ofMillis(Math.round(value * 1000));
  }

  private static SortedMap<String, String> sorted(Map<String, String> map) {
    return map == null ? new TreeMap<>() : new TreeMap<>(map);
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("job records always serialise", e);
    }
  }
}
