package dev.serval.bench;

import dev.serval.bench.internal.OptionPairs;
import dev.serval.bench.tune.BenchmarkFunction;
import dev.serval.bench.tune.BenchmarkFunctions;
import dev.serval.bench.tune.BestValues;
import dev.serval.tune.Direction;
import dev.serval.tune.Study;
import dev.serval.tune.sampler.AutoSampler;
import dev.serval.tune.sampler.CmaEsSampler;
import dev.serval.tune.sampler.GpSampler;
import dev.serval.tune.sampler.RandomSampler;
import dev.serval.tune.sampler.Sampler;
import dev.serval.tune.sampler.TpeSampler;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Issue 6's tuning quality benchmark: every Serval sampler on Branin, Hartmann-6, Rosenbrock-4
 * and a mixed space, the best value found after a fixed number of trials for each of several
 * seeds. bench/tune.sh runs it next to Optuna's TPE on the same functions.
 */
public final class TuneBenchmark {
  /**
   * The samplers compared, by their {@code ./serval tune --sampler} names; auto is the study
   * default ({@link AutoSampler}).
   */
  public static final Map<String, Supplier<Sampler>> SAMPLERS = samplers();

  private final int seeds;
  private final int trials;
  private final Clock clock;

  private TuneBenchmark(Builder builder) {
    this.seeds = builder.seeds;
    this.trials = builder.trials;
    this.clock = builder.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code [--seeds 10] [--trials 50] [--output tune.json]}: Markdown to stdout, JSON to file. */
  public static void main(String[] args) {
    System.exit(runCommand(args, System.out, System.err));
  }

  /** Runs the benchmark from command-line options; returns 0, or 2 on bad arguments. */
  public static int runCommand(String[] args, PrintStream out, PrintStream err) {
    Builder builder = builder();
    Path[] output = {null};
    try {
      OptionPairs.apply(args, Map.of(
          "--seeds", v -> builder.seeds(Integer.parseInt(v)),
          "--trials", v -> builder.trials(Integer.parseInt(v)),
          "--output", v -> output[0] = Path.of(v)));
    } catch (IllegalArgumentException e) {
      err.println("tune benchmark: " + e.getMessage()
          + " (usage: [--seeds N] [--trials N] [--output FILE.json])");
      return 2;
    }
    TuneReport report = builder.build().run(err);
    if (output[0] != null) {
      ReportFormat.write(output[0], report.toJson(), Path.of(output[0] + ".md"),
          report.toMarkdown());
    }
    out.print(report.toMarkdown());
    return 0;
  }

  /** Runs every sampler on every function for every seed, one progress line per pair to log. */
  public TuneReport run(PrintStream log) {
    Environment environment = Environment.capture(clock);
    List<BestValues> results = new ArrayList<>();
    for (BenchmarkFunction function : BenchmarkFunctions.all()) {
      for (Map.Entry<String, Supplier<Sampler>> sampler : SAMPLERS.entrySet()) {
        BestValues best = measure(function, sampler.getKey(), sampler.getValue());
        log.printf("%s %s median best %.6g%n", function.name(), sampler.getKey(), best.median());
        results.add(best);
      }
    }
    return new TuneReport(environment, seeds, trials, results);
  }

  private BestValues measure(BenchmarkFunction function, String name, Supplier<Sampler> sampler) {
    List<Double> best = new ArrayList<>();
    for (int seed = 0; seed < seeds; seed++) {
      Study study = Study.builder()
          .space(function.space())
          .direction(Direction.MINIMIZE)
          .sampler(sampler.get())
          .seed(seed)
          .clock(clock)
          .build();
      study.optimize(function.objective(), trials);
      best.add(study.bestTrial().orElseThrow().value().orElseThrow());
    }
    return new BestValues(function.name(), name, function.optimum(), trials, best);
  }

  private static Map<String, Supplier<Sampler>> samplers() {
    Map<String, Supplier<Sampler>> samplers = new LinkedHashMap<>();
    samplers.put("auto", () -> AutoSampler.builder().build());
    samplers.put("tpe", () -> TpeSampler.builder().build());
    samplers.put("tpe-multivariate", () -> TpeSampler.builder().multivariate(true).build());
    samplers.put("gp", () -> GpSampler.builder().build());
    samplers.put("cmaes", () -> CmaEsSampler.builder().build());
    samplers.put("random", RandomSampler::new);
    return Collections.unmodifiableMap(samplers);
  }

  /** Validating configuration; defaults are the 10 seeds x 50 trials. */
  public static final class Builder {
    private int seeds = 10;
    private int trials = 50;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder seeds(int seeds) {
      if (seeds < 1) {
        throw new IllegalArgumentException("seeds must be at least 1, got " + seeds);
      }
      this.seeds = seeds;
      return this;
    }

    public Builder trials(int trials) {
      if (trials < 1) {
        throw new IllegalArgumentException("trials must be at least 1, got " + trials);
      }
      this.trials = trials;
      return this;
    }

    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock must not be null");
      }
      this.clock = clock;
      return this;
    }

    public TuneBenchmark build() {
      return new TuneBenchmark(this);
    }
  }
}
