package dev.serval.jobs;

import static dev.serval.jobs.internal.Checks.require;

import dev.serval.jobs.internal.Checks;
import dev.serval.jobs.internal.Placeholders;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What to run: a program with arguments, in which {@code {param}} is replaced by a parameter and
 * {@code {output_dir}} by the job's own output folder. Checked completely when built, so that a
 * bad submission is refused before it is queued.
 *
 * @param workDir absolute folder on the worker to run in, or null for the job's own folder
 * @param timeout longest an attempt may run, or null for no limit
 * @param retries how many times a failed or timed-out attempt is run again
 * @param retryDelay wait before the first retry; it doubles for each further one
 * @param cpuThreads CPU threads the job may use, or null for the worker's default
 */
public record JobSpec(
    String name,
    List<String> command,
    SortedMap<String, String> params,
    SortedMap<String, String> env,
    String workDir,
    Duration timeout,
    int retries,
    Duration retryDelay,
    List<OutputModel> outputModels,
    Integer cpuThreads) {
  public static final int MAX_RETRIES = 100;
  public static final int MAX_ARGUMENTS = 1000;
  public static final int MAX_CPU_THREADS = 1024;
  private static final String RESERVED_ENV = "SERVAL_";

  public JobSpec {
    Checks.modelName("job name", name);
    require(command != null && !command.isEmpty() && command.size() <= MAX_ARGUMENTS,
        "a job needs a command of 1-" + MAX_ARGUMENTS + " arguments, got "
            + (command == null ? "none" : command.size()));
    command = List.copyOf(command);
    params = checkedMap("parameter", params);
    env = checkedMap("environment variable", env);
    env.keySet().forEach(key -> require(!key.startsWith(RESERVED_ENV),
        "environment variable " + key + " is reserved: names starting with " + RESERVED_ENV
            + " are set by the worker"));
    require(!params.containsKey(Placeholders.OUTPUT_DIR),
        "parameter '" + Placeholders.OUTPUT_DIR + "' is reserved for the job's output folder");
    if (workDir != null) {
      Checks.argument("work directory", workDir);
      Path dir = Path.of(workDir);
      require(dir.isAbsolute() && dir.normalize().equals(dir),
          "work directory must be an absolute path without '..': " + Checks.show(workDir));
    }
    require(timeout == null || (!timeout.isNegative() && !timeout.isZero()),
        "timeout must be positive, got " + timeout);
    require(retries >= 0 && retries <= MAX_RETRIES,
        "retries must be within 0.." + MAX_RETRIES + ", got " + retries);
    require(retryDelay != null && !retryDelay.isNegative(),
        "retry delay must not be negative, got " + retryDelay);
    outputModels = List.copyOf(outputModels);
    require(cpuThreads == null || (cpuThreads >= 1 && cpuThreads <= MAX_CPU_THREADS),
        "cpu threads must be within 1.." + MAX_CPU_THREADS + ", got " + cpuThreads);
    checkPlaceholders(command, params, outputModels);
  }

  public static Builder builder(String name, List<String> command) {
    return new Builder(name, command);
  }

  /** The arguments with every placeholder replaced. */
  public List<String> resolvedCommand(Path outputDir) {
    Map<String, String> values = values(outputDir);
    List<String> out = new ArrayList<>(command.size());
    for (String arg : command) {
      out.add(Placeholders.substitute("argument", arg, values));
    }
    return out;
  }

  /** The output model's path with every placeholder replaced. */
  public String resolvedPath(OutputModel output, Path outputDir) {
    return Placeholders.substitute("output model path", output.path(), values(outputDir));
  }

  /** The output model's lineage file with every placeholder replaced; null when it has none. */
  public String resolvedLineage(OutputModel output, Path outputDir) {
    return output.lineage() == null ? null
        : Placeholders.substitute("output model lineage path", output.lineage(),
            values(outputDir));
  }

  private Map<String, String> values(Path outputDir) {
    Map<String, String> values = new HashMap<>(params);
    values.put(Placeholders.OUTPUT_DIR, outputDir.toString());
    return values;
  }

  private static SortedMap<String, String> checkedMap(String what, Map<String, String> map) {
    SortedMap<String, String> copy = new TreeMap<>();
    if (map != null) {
      map.forEach((key, value) -> copy.put(Checks.identifier(what + " name", key),
          Checks.argument(what + " " + key, value)));
    }
    return Collections.unmodifiableSortedMap(copy);
  }

  private static void checkPlaceholders(
      List<String> command, Map<String, String> params, List<OutputModel> outputs) {
    for (String arg : command) {
      Checks.argument("argument", arg);
      knownNames("argument", arg, params);
    }
    for (OutputModel output : outputs) {
      knownNames("output model path", output.path(), params);
      if (output.lineage() != null) {
        knownNames("output model lineage path", output.lineage(), params);
      }
    }
  }

  private static void knownNames(String what, String text, Map<String, String> params) {
    for (String name : Placeholders.names(what, text)) {
      require(name.equals(Placeholders.OUTPUT_DIR) || params.containsKey(name),
          what + " " + Checks.show(text) + " uses {" + name + "} but no parameter '" + name
              + "' was given; add --param " + name + "=VALUE");
    }
  }

  /** Validating builder; {@link #build} checks the whole spec. */
  public static final class Builder {
    private final String name;
    private final List<String> command;
    private final SortedMap<String, String> params = new TreeMap<>();
    private final SortedMap<String, String> env = new TreeMap<>();
    private final List<OutputModel> outputs = new ArrayList<>();
    private String workDir;
    private Duration timeout;
    private int retries;
    private Duration retryDelay = Duration.ZERO;
    private Integer cpuThreads;

    private Builder(String name, List<String> command) {
      this.name = name;
      this.command = command == null ? List.of() : List.copyOf(command);
    }

    public Builder param(String key, String value) {
      require(params.put(key, value) == null, "parameter '" + key + "' is given twice");
      return this;
    }

    public Builder env(String key, String value) {
      require(env.put(key, value) == null, "environment variable '" + key + "' is given twice");
      return this;
    }

    public Builder workDir(String dir) {
      this.workDir = dir;
      return this;
    }

    public Builder timeout(Duration limit) {
      this.timeout = limit;
      return this;
    }

    public Builder retries(int count, Duration firstDelay) {
      this.retries = count;
      this.retryDelay = firstDelay;
      return this;
    }

    public Builder outputModel(String model, String path) {
      return outputModel(new OutputModel(model, path));
    }

    public Builder outputModel(OutputModel output) {
      outputs.add(output);
      return this;
    }

    public Builder cpuThreads(Integer threads) {
      this.cpuThreads = threads;
      return this;
    }

    public JobSpec build() {
      return new JobSpec(name, command, params, env, workDir, timeout, retries, retryDelay,
          outputs, cpuThreads);
    }
  }
}
