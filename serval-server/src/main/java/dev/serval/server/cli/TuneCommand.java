package dev.serval.server.cli;

import dev.serval.tune.Direction;
import dev.serval.tune.Objective;
import dev.serval.tune.Param;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import dev.serval.tune.TrialState;
import dev.serval.tune.StudyStorage;
import dev.serval.tune.pruner.HyperbandPruner;
import dev.serval.tune.pruner.MedianPruner;
import dev.serval.tune.pruner.NopPruner;
import dev.serval.tune.pruner.PercentilePruner;
import dev.serval.tune.pruner.Pruner;
import dev.serval.tune.pruner.SuccessiveHalvingPruner;
import dev.serval.tune.sampler.CmaEsSampler;
import dev.serval.tune.sampler.GeneticSampler;
import dev.serval.tune.sampler.GpSampler;
import dev.serval.tune.sampler.GridSampler;
import dev.serval.tune.sampler.QmcSampler;
import dev.serval.tune.sampler.RandomSampler;
import dev.serval.tune.sampler.Sampler;
import dev.serval.tune.sampler.SimulatedAnnealingSampler;
import dev.serval.tune.sampler.TpeSampler;
import dev.serval.tune.storage.JdbcStudyStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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

  enum SamplerChoice { RANDOM, GRID, QMC, TPE, GP, CMAES, ANNEAL, GA }

  enum PrunerChoice { NONE, MEDIAN, PERCENTILE, ASHA, HYPERBAND }

  @Spec CommandSpec spec;

  @Option(names = "--space", required = true, description = "JSON search space file.")
  Path space;

  @Option(names = "--trials", required = true, description = "Number of trials.")
  int trials;

  @Option(names = "--sampler", defaultValue = "tpe",
      description = "random, grid, qmc, tpe, gp, cmaes, anneal or ga (default: ${DEFAULT-VALUE}).")
  SamplerChoice sampler;

  @Option(names = "--direction", defaultValue = "minimize",
      description = "minimize or maximize (default: ${DEFAULT-VALUE}).")
  Direction direction;

  @Option(names = "--seed", description = "Seed for reproducible suggestions.")
  Long seed;

  @Option(names = "--parallel", defaultValue = "1", description = "Trials run at once.")
  int parallel;

  @Option(names = "--pruner", defaultValue = "none",
      description = "none, median, percentile, asha or hyperband (default: ${DEFAULT-VALUE}).")
  PrunerChoice pruner;

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
    Optional<JdbcStudyStorage> shared = openStorage();
    // Counted down once all is recorded and closed: a Ctrl-C halts the JVM when it opens.
    CountDownLatch finished = new CountDownLatch(1);
    try {
      return run(searchSpace, shared, finished);
    } finally {
      shared.ifPresent(JdbcStudyStorage::close);
      finished.countDown();
    }
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

  private int run(
      SearchSpace searchSpace, Optional<JdbcStudyStorage> shared, CountDownLatch finished) {
    Study study = study(searchSpace, shared);
    int remaining = trials - study.trials().size();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    ExecutorService workers = Executors.newFixedThreadPool(parallel);
    CommandObjective objective = new CommandObjective(command,
        searchSpace.params().stream().map(Param::name).collect(Collectors.toSet()),
        parseTimeout(), timer);
    Optional<JobObjective> asJobs =
        jobs.objective(searchSpace, command, parseTimeout(), study.name());
    Thread onCtrlC = new Thread(() -> {
      study.stop();
      objective.cancel();
      asJobs.ifPresent(JobObjective::cancel);
      awaitQuietly(finished);
    }, "serval-tune-interrupt");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try {
      if (remaining > 0) {
        study.optimize(asJobs.<Objective>map(o -> o).orElse(objective), remaining, parallel,
            workers);
      } else {
        spec.commandLine().getErr().println("study " + study.name() + " already has "
            + study.trials().size() + " trials (--trials " + trials + ")");
      }
      return finish(study);
    } finally {
      workers.shutdownNow();
      timer.shutdownNow();
      removeHook(onCtrlC);
    }
  }

  private Study study(SearchSpace searchSpace, Optional<? extends StudyStorage> shared) {
    int resumed = shared.map(s -> s.trials(studyName).size()).orElse(0);
    Study.Builder builder = Study.builder()
        .name(studyName == null ? "tune" : studyName)
        .space(searchSpace)
        .direction(direction)
        .sampler(sampler())
        .pruner(pruner())
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

  private Sampler sampler() {
    switch (sampler) {
      case RANDOM:
        return new RandomSampler();
      case GRID:
        return GridSampler.fromSpace();
      case QMC:
        return new QmcSampler();
      case GP:
        return GpSampler.builder().build();
      case CMAES:
        return CmaEsSampler.builder().build();
      case ANNEAL:
        return SimulatedAnnealingSampler.builder().build();
      case GA:
        return GeneticSampler.builder().build();
      default:
        return TpeSampler.builder().build();
    }
  }

  private Pruner pruner() {
    switch (pruner) {
      case MEDIAN:
        return MedianPruner.builder().build();
      case PERCENTILE:
        return PercentilePruner.builder(percentile).build();
      case ASHA:
        return SuccessiveHalvingPruner.builder().minResource(minResource)
            .reductionFactor(reductionFactor).build();
      case HYPERBAND:
        return HyperbandPruner.builder(maxResource).minResource(minResource)
            .reductionFactor(reductionFactor).build();
      default:
        return new NopPruner();
    }
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
