package dev.serval.server.cli;

import dev.serval.tune.Param;
import dev.serval.tune.SearchSpace;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** {@code serval tune --jobs}: each trial runs as a job on a server's workers. */
final class TrialJobOptions {
  @Option(names = "--jobs", description = "Run each trial as a job on the server's workers (in"
      + " parallel with --parallel); a pruned trial's job is cancelled.")
  boolean jobs;

  @Option(names = "--job-metric", paramLabel = "NAME", description = "With --jobs: the trial's"
      + " intermediate values are the job's serval.metric NAME lines and its value the last one"
      + " (default: serval.report lines and the last number printed).")
  String metric;

  /**
   * The job objective when {@code --jobs} is given.
   *
   * @param server the server that runs the jobs; null for $SERVAL_SERVER or the local default
   */
  Optional<JobObjective> objective(SearchSpace space, List<String> command,
      Optional<Duration> timeout, String studyName, String server, String apiKey) {
    if (!jobs) {
      if (metric != null) {
        throw new UsageException("--job-metric goes with --jobs");
      }
      return Optional.empty();
    }
    return Optional.of(new JobObjective(new ServalClient(server != null ? server : defaultServer(),
        apiKey),
        studyName, command, space.params().stream().map(Param::name).collect(Collectors.toSet()),
        timeout, metric));
  }

  private static String defaultServer() {
    String fromEnvironment = System.getenv("SERVAL_SERVER");
    return fromEnvironment != null ? fromEnvironment : "http://127.0.0.1:8000";
  }
}
