package dev.serval.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.server.studies.PrunerKind;
import dev.serval.server.studies.PrunerSpec;
import dev.serval.server.studies.SamplerKind;
import dev.serval.server.studies.StudiesApi;
import dev.serval.tune.Direction;
import dev.serval.tune.Objective;
import dev.serval.tune.Param;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import dev.serval.tune.TrialState;
import dev.serval.tune.StudyStorage;
import dev.serval.tune.storage.JdbcStudyStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code serval tune}: tunes any program's parameters with an in-memory study, or a study in a
 * database that several workers share and a rerun resumes. Each trial runs the command with
 * {@code {name}} replaced by the trial's values; see docs/tuning.md.
 */
@Command(
    name = "tune",
    description = {
      "Tune the parameters of any program: serval tune --space space.json --trials N -- CMD ARG..",
      "{name} in CMD ARG.. becomes the trial's value; the last number on stdout is the result;",
      "'serval.report STEP VALUE' lines are intermediate values for pruning."
    })
final class TuneCommand implements Callable<Integer> {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
  private static final Duration CTRL_C_GRACE = Duration.ofSeconds(10);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PRUNER_OPTIONS = List.of("--pruner", "--min-resource",
      "--max-resource", "--reduction-factor", "--percentile");

  @Spec CommandSpec spec;

  @Option(names = "--space", required = true, description = "JSON search space file.")
  Path space;

  @Option(names = "--trials", required = true, description = "Number of trials.")
  int trials;

  @Option(names = "--sampler", defaultValue = "auto",
      description = "auto, random, grid, qmc, tpe, gp, cmaes, anneal or ga (default:"
          + " ${DEFAULT-VALUE}: GP for small unconstrained numeric studies, else multivariate"
          + " TPE).")
  SamplerKind sampler;

  @Option(names = "--direction", defaultValue = "minimize",
      description = "minimize or maximize (default: ${DEFAULT-VALUE}).")
  Direction direction;

  @Option(names = "--seed", description = "Seed for reproducible suggestions.")
  Long seed;

  @Option(names = "--parallel", defaultValue = "1", description = "Trials run at once.")
  int parallel;

  @Option(names = "--pruner", defaultValue = "none",
      description = "none, median, percentile, asha or hyperband (default: ${DEFAULT-VALUE}).")
  PrunerKind pruner;

  @Option(names = "--min-resource", defaultValue = "1",
      description = "First rung step for --pruner asha|hyperband (default: ${DEFAULT-VALUE}).")
  int minResource;

  @Option(names = "--max-resource", defaultValue = "100",
      description = "Last step reported, for --pruner hyperband (default: ${DEFAULT-VALUE}).")
  int maxResource;

  @Option(names = "--reduction-factor", defaultValue = "3", description = "Share 1/eta kept"
      + " at each rung of --pruner asha|hyperband (default: ${DEFAULT-VALUE}).")
  int reductionFactor;

  @Option(names = "--percentile", defaultValue = "25",
      description = "Percentile for --pruner percentile (default: ${DEFAULT-VALUE}).")
  double percentile;

  @Option(names = "--timeout", description = "Per-trial time limit, e.g. 90s, 10m, 2h.")
  String timeout;

  @Option(names = "--output", description = "Write every trial and the best one as JSON.")
  Path output;

  @Option(names = "--storage", paramLabel = "JDBC_URL",
      description = "Keep the study in a database (jdbc:h2:/path/db or jdbc:postgresql://..);"
          + " default: in memory.")
  String storage;

  @Option(names = "--study", description = "Study name; with --storage, a study of this name"
      + " resumes and its trials count toward --trials.")
  String studyName;

  @Option(names = "--heartbeat", defaultValue = "30s", description = "With --storage: how often"
      + " running trials are marked alive; silent twice as long, they fail (default: 30s).")
  String heartbeat;

  @Option(names = "--server", paramLabel = "URL", description = "Run trials of a study the"
      + " server at URL holds (ask, report and tell over its API); needs --study. Machines"
      + " sharing the server tune one study. With --jobs: the server that runs the trials'"
      + " jobs (default: $SERVAL_SERVER or http://127.0.0.1:8000).")
  String server;

  @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:SERVAL_API_KEY}",
      description = "API key for --server, when it was started with --auth (default:"
          + " $SERVAL_API_KEY).")
  String apiKey;

  @Mixin TrialJobOptions jobs;

  @Parameters(arity = "1..*", paramLabel = "CMD", description = "The program and arguments.")
  List<String> command;

  @Override
  public Integer call() {
    if (trials < 1 || parallel < 1) {
      throw new UsageException("--trials and --parallel must be at least 1, got " + trials
          + " and " + parallel);
    }
    SearchSpace searchSpace = readSpace();
    // Counted down once all is recorded and closed: a Ctrl-C halts the JVM when it opens.
    CountDownLatch finished = new CountDownLatch(1);
    if (server != null && !jobs.jobs) {
      try {
        return runOnServer(searchSpace, finished);
      } finally {
        finished.countDown();
      }
    }
    Optional<JdbcStudyStorage> shared = openStorage();
    try {
      Study study = study(searchSpace, shared);
      int remaining = trials - study.trials().size();
      Optional<JobObjective> asJobs =
          jobs.objective(searchSpace, command, parseTimeout(), study.name(), server, apiKey);
      Runnable stop = () -> {
        study.stop();
        asJobs.ifPresent(JobObjective::cancel);
      };
      return runTrials(searchSpace, stop, finished, (objective, workers) -> {
        if (remaining > 0) {
          study.optimize(asJobs.<Objective>map(o -> o).orElse(objective), remaining, parallel,
              workers);
        } else {
          alreadyDone(study.name(), study.trials().size());
        }
        return finish(study);
      });
    } finally {
      shared.ifPresent(JdbcStudyStorage::close);
      finished.countDown();
    }
  }

  /** The trial loop of a study the server holds; its trials so far count toward --trials. */
  private int runOnServer(SearchSpace searchSpace, CountDownLatch finished) {
    if (studyName == null || storage != null) {
      throw new UsageException("--server needs --study NAME and no --storage: the server keeps"
          + " the study in its own database");
    }
    ServalClient client = new ServalClient(server, apiKey);
    JsonNode study = client.postJson(StudiesApi.PREFIX, studyRequest(searchSpace));
    RemoteTuning remote = new RemoteTuning(client, study);
    int done = study.get("n_trials").asInt();
    Direction studyDirection =
        Direction.valueOf(study.get("direction").asText().toUpperCase(Locale.ROOT));
    TuneProgress progress = new TuneProgress(spec.commandLine().getErr(),
        Math.max(0, trials - done), studyDirection);
    return runTrials(searchSpace, remote::stop, finished, (objective, workers) -> {
      if (trials > done) {
        remote.run(objective, trials - done, parallel, workers, progress);
      } else {
        alreadyDone(studyName, done);
      }
      return finishOnServer(remote);
    });
  }

  /**
   * The body of {@code POST /api/v1/studies}: only the settings given on the command line, so
   * that a second machine joins the study without repeating them.
   */
  private Map<String, Object> studyRequest(SearchSpace searchSpace) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("name", studyName);
    try {
      request.put("space", JSON.readTree(searchSpace.toJson()));
    } catch (IOException e) {
      throw new IllegalStateException("a search space always writes JSON", e);
    }
    if (given("--direction")) {
      request.put("direction", direction.name().toLowerCase(Locale.ROOT));
    }
    if (given("--sampler")) {
      request.put("sampler", sampler.id());
    }
    if (seed != null) {
      request.put("seed", seed);
    }
    if (PRUNER_OPTIONS.stream().anyMatch(this::given)) {
      // The server keeps only the settings the pruner uses.
      request.put("pruner", Map.of("type", pruner.id(), "min_resource", minResource,
          "max_resource", maxResource, "reduction_factor", reductionFactor,
          "percentile", percentile));
    }
    return request;
  }

  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  private int finishOnServer(RemoteTuning remote) {
    if (output != null) {
      remote.writeReport(output);
    }
    JsonNode best = remote.best();
    JsonNode study = remote.study();
    if (best == null) {
      throw new CommandException("no trial completed (of " + study.get("n_trials").asInt()
          + ")");
    }
    spec.commandLine().getOut().println("best value " + best.get("value").asDouble()
        + " (trial " + best.get("number").asInt() + ") params "
        + JSON.convertValue(best.get("params"), Map.class));
    spec.commandLine().getErr().println(study.at("/trial_counts/COMPLETE").asInt() + " of "
        + study.get("n_trials").asInt() + " trials completed");
    return 0;
  }

  private void alreadyDone(String name, int count) {
    spec.commandLine().getErr().println("study " + name + " already has " + count
        + " trials (--trials " + trials + ")");
  }

  /** Runs trials with the objective's threads, and a Ctrl-C hook that stops and kills them. */
  private int runTrials(SearchSpace searchSpace, Runnable stop, CountDownLatch finished,
      TrialLoop loop) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    ExecutorService workers = Executors.newFixedThreadPool(parallel);
    CommandObjective objective = new CommandObjective(command,
        searchSpace.params().stream().map(Param::name).collect(Collectors.toSet()),
        parseTimeout(), timer);
    Thread onCtrlC = new Thread(() -> {
      stop.run();
      objective.cancel();
      awaitQuietly(finished);
    }, "serval-tune-interrupt");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try {
      return loop.run(objective, workers);
    } finally {
      workers.shutdownNow();
      timer.shutdownNow();
      removeHook(onCtrlC);
    }
  }

  /** The trials of one run, and the exit code once they are done. */
  private interface TrialLoop {
    int run(CommandObjective objective, ExecutorService workers);
  }

  private Optional<JdbcStudyStorage> openStorage() {
    if (storage == null) {
      return Optional.empty();
    }
    if (studyName == null) {
      throw new UsageException("--storage needs --study NAME, so that a rerun finds the study");
    }
    Duration interval = parseDuration("--heartbeat", heartbeat);
    return Optional.of(JdbcStudyStorage.builder().jdbc(storage, null, null)
        .heartbeatInterval(interval).build());
  }

  private Study study(SearchSpace searchSpace, Optional<? extends StudyStorage> shared) {
    int resumed = shared.map(s -> s.trials(studyName).size()).orElse(0);
    Study.Builder builder = Study.builder()
        .name(studyName == null ? "tune" : studyName)
        .space(searchSpace)
        .direction(direction)
        .sampler(sampler.create())
        .pruner(prunerSpec().create())
        .onTrialFinished(new TuneProgress(spec.commandLine().getErr(),
            Math.max(0, trials - resumed), direction));
    shared.ifPresent(builder::storage);
    if (seed != null) {
      builder.seed(seed);
    }
    return builder.build();
  }

  private int finish(Study study) {
    if (output != null) {
      TuneReport.write(study, output);
    }
    var best = study.bestTrial();
    if (best.isEmpty()) {
      throw new CommandException("no trial completed (of " + study.trials().size() + ")");
    }
    spec.commandLine().getOut().println("best value " + best.get().value().getAsDouble()
        + " (trial " + best.get().number() + ") params " + best.get().params());
    long done = study.trials(TrialState.COMPLETE).size();
    spec.commandLine().getErr().println(done + " of " + study.trials().size()
        + " trials completed");
    return 0;
  }

  private SearchSpace readSpace() {
    try {
      return SearchSpace.fromJson(Files.readString(space));
    } catch (IOException e) {
      throw new UsageException("cannot read --space " + space + ": " + e.getMessage());
    }
  }

  private PrunerSpec prunerSpec() {
    return new PrunerSpec(pruner, minResource, maxResource, reductionFactor, percentile);
  }

  private Optional<Duration> parseTimeout() {
    return timeout == null ? Optional.empty() : Optional.of(parseDuration("--timeout", timeout));
  }

  private static Duration parseDuration(String option, String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new UsageException(option + " must be a positive number with ms, s, m or h, got '"
          + text + "'");
    }
    long amount = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(amount);
      case "s":
        return Duration.ofSeconds(amount);
      case "m":
        return Duration.ofMinutes(amount);
      default:
        return Duration.ofHours(amount);
    }
  }

  private static void awaitQuietly(CountDownLatch finished) {
    try {
      // Let the main thread record the killed trials, write --output and close the storage.
      finished.await(CTRL_C_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the hook is running and waits for us; nothing to remove.
    }
  }
}
