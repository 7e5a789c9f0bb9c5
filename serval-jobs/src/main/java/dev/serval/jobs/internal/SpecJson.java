package dev.serval.jobs.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.serval.jobs.JobSpec;
import dev.serval.jobs.OutputModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** A {@link JobSpec} as the JSON stored with the job (and recorded as a pushed model's lineage). */
public final class SpecJson {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .build();

  private SpecJson() {}

  record Stored(String name, List<String> command, Map<String, String> params,
      Map<String, String> env, String workDir, Long timeoutMillis, int retries,
      long retryDelayMillis, List<OutputModel> outputModels, Integer cpuThreads) {}

  /** What a pushed model records of the job that made it. */
  record Lineage(String job, String name, Map<String, String> params, List<String> command) {}

  public static String write(JobSpec spec) {
    return json(new Stored(spec.name(), spec.command(), spec.params(), spec.env(), spec.workDir(),
        spec.timeout() == null ? null : spec.timeout().toMillis(), spec.retries(),
        spec.retryDelay().toMillis(), spec.outputModels(), spec.cpuThreads()));
  }

  public static JobSpec read(String json) {
    try {
      Stored s = JSON.readValue(json, Stored.class);
      return new JobSpec(s.name(), s.command(), sorted(s.params()), sorted(s.env()), s.workDir(),
          s.timeoutMillis() == null ? null : Duration.ofMillis(s.timeoutMillis()), s.retries(),
          Duration.ofMillis(s.retryDelayMillis()), s.outputModels(), s.cpuThreads());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored job spec is not readable: " + e.getMessage(), e);
    }
  }

  /** The settings recorded as a pushed version's lineage: job id, name, parameters, command. */
  public static String lineage(String jobId, JobSpec spec) {
    return json(new Lineage(jobId, spec.name(), spec.params(), spec.command()));
  }

  private static SortedMap<String, String> sorted(Map<String, String> map) {
    return map == null ? new TreeMap<>() : new TreeMap<>(map);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("job specs always serialise", e);
    }
  }
}
