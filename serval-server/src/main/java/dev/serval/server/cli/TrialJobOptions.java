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

  @Option(names = "--server", paramLabel = "URL",
      defaultValue = "${env:SERVAL_SERVER:-http://127.0.0.1:8000}",
      description = "With --jobs: the server that runs the jobs (default: $SERVAL_SERVER or"
          + " http://127.0.0.1:8000); its API key comes from $SERVAL_API_KEY.")
  String server;

  /** The job objective when {@code --jobs} is given. */
  Optional<JobObjective> objective(SearchSpace space, List<String> command,
      Optional<Duration> timeout, String studyName) {
    if (!jobs) {
      if (metric != null) {
        throw new UsageException("--job-metric goes with --jobs");
      }
      return Optional.empty();
    }
    return Optional.of(new JobObjective(new ServalClient(server, System.getenv("SERVAL_API_KEY")),
        studyName, command, space.params().stream().map(Param::name).collect(Collectors.toSet()),
        timeout, metric));
  }
}
