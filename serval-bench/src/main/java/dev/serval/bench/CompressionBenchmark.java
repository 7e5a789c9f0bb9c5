package dev.serval.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.bench.internal.Checks;
import dev.serval.bench.internal.OptionPairs;
import dev.serval.bench.internal.SyntheticInputs;
import dev.serval.compress.AccuracyGate;
import dev.serval.compress.BenchmarkSettings;
import dev.serval.compress.Candidate;
import dev.serval.compress.CompressionOptions;
import dev.serval.compress.CompressionReport;
import dev.serval.compress.Compressor;
import dev.serval.compress.GateReport;
import dev.serval.compress.InterleavedTiming;
import dev.serval.compress.Method;
import dev.serval.compress.Metric;
import dev.serval.core.Tensor;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.RuntimeOptions;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.train.CnnTrainer;
import dev.serval.train.MlpTrainer;
import dev.serval.train.TrainedModel;
import dev.serval.train.TrainingOptions;
import dev.serval.train.data.Dataset;
import dev.serval.train.data.Datasets;
import dev.serval.train.data.Split;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Issue 5's compression benchmark: int8 on the digits MLP and CNN trained here (size and top-1),
 * int8-dynamic on a large MLP with random weights (speed), structured pruning then low-rank on a
 * wide digits MLP (speed and top-1), and what the accuracy gate picks for that pruning. Speed is
 * timed with the original and the compressed model interleaved, one intra-op thread.
 */
public final class CompressionBenchmark {
  private static final int BATCH = 64;
  private static final long SEED = 7;
  private static final int CALIBRATION_ROWS = 256;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int epochs;
  private final int[] digitsHidden;
  private final int[] wideHidden;
  private final int typicalFilters;
  private final int[] typicalHidden;
  private final int[] speedHidden;
  private final int speedWidth;
  private final int lowRank;
  private final int fineTuneEpochs;
  private final int[] fineTuneRanks;
  private final int rounds;
  private final int runsPerRound;
  private final Path workDir;
  private final Clock clock;
  private final LongSupplier nanos;
  private final OnnxBackend backend = new OnnxBackend();

  private CompressionBenchmark(Builder b) {
    this.epochs = b.epochs;
    this.digitsHidden = b.digitsHidden;
    this.wideHidden = b.wideHidden;
    this.typicalFilters = b.typicalFilters;
    this.typicalHidden = b.typicalHidden;
    this.speedHidden = b.speedHidden;
    this.speedWidth = b.speedWidth;
    this.lowRank = b.lowRank;
    this.fineTuneEpochs = b.fineTuneEpochs;
    this.fineTuneRanks = b.fineTuneRanks;
    this.rounds = b.rounds;
    this.runsPerRound = b.runsPerRound;
    this.workDir = b.workDir;
    this.clock = b.clock;
    this.nanos = b.nanos;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** See {@link #runCommand}. */
  public static void main(String[] args) {
    System.exit(runCommand(args, System.out, System.err));
  }

  /**
   * {@code [--epochs 40] [--rounds 15] [--runs 10] [--low-rank 32] [--fine-tune-epochs 10]
   * [--fine-tune-ranks 16,32,64] [--work-dir DIR] [--output FILE.json]}: progress to
   * {@code err}, Markdown to {@code out}, JSON (and Markdown beside it) to the output file.
   * Returns 0, or 2 on bad arguments.
   */
  public static int runCommand(String[] args, PrintStream out, PrintStream err) {
    Builder builder = builder();
    Path[] output = {null};
    try {
      OptionPairs.apply(args, Map.of(
          "--epochs", v -> builder.epochs(Integer.parseInt(v)),
          "--rounds", v -> builder.rounds(Integer.parseInt(v)),
          "--runs", v -> builder.runsPerRound(Integer.parseInt(v)),
          "--low-rank", v -> builder.lowRank(Integer.parseInt(v)),
          "--fine-tune-epochs", v -> builder.fineTuneEpochs(Integer.parseInt(v)),
          "--fine-tune-ranks", v -> builder.fineTuneRanks(Arrays.stream(v.split(","))
              .mapToInt(Integer::parseInt).toArray()),
          "--work-dir", v -> builder.workDir(Path.of(v)),
          "--output", v -> output[0] = Path.of(v)));
    } catch (IllegalArgumentException e) {
      err.println("compression benchmark: " + e.getMessage() + " (usage: [--epochs N]"
          + " [--rounds N] [--runs N] [--low-rank R] [--fine-tune-epochs N]"
          + " [--fine-tune-ranks R,R,...] [--work-dir DIR] [--output FILE.json])");
      return 2;
    }
    CompressionBenchReport report = builder.build().run(err);
    if (output[0] != null) {
      report.write(output[0], Path.of(output[0] + ".md"));
    }
    out.print(report.toMarkdown());
    return 0;
  }

  /** Trains, compresses and measures everything, one progress line per model to {@code log}. */
  public CompressionBenchReport run(PrintStream log) {
    Environment environment = Environment.capture(clock);
    String loadBefore = loadAverage();
    Compressor compressor = Compressor.builder().backend(backend)
        .benchmark(BenchmarkSettings.none()).nanos(nanos).build();
    Split split = Datasets.digits().split(0.15, 0.15, SEED);
    Dataset test = split.test();
    Path calibration = calibration(split.train());
    List<CompressedModel> models = new ArrayList<>();

    models.addAll(int8Digits(compressor, split, calibration, log));

    Path large = workDir.resolve("mlp-large.onnx");
    SampleModels.write(SampleModels.mlp(speedWidth, speedHidden, speedWidth, 1), large);
    CompressionReport int8Large = compressor.compress(large, workDir.resolve("mlp-large-int8.onnx"),
        int8(Method.INT8_DYNAMIC, null));
    models.add(timed(new CompressedModel(speedModelName(speedWidth, speedHidden), "int8-dynamic",
        int8Large.original().fileBytes(),
        int8Large.result().fileBytes(), Double.NaN, Double.NaN, BATCH, 0, 0),
        large, Path.of(int8Large.output()), log));

    String wideName = "digits MLP 64-" + widths(wideHidden) + "-10";
    Path wide = train(MlpTrainer.builder().hidden(wideHidden).options(training()).build()
        .fit(split.train(), split.validation(), p -> { }), "digits-wide");
    CompressedModel pruned = scored(compressor, wideName, wide, pruning(), test, log);
    models.add(pruned);
    models.add(prunedLowRank(compressor, wideName, wide, pruned, test, log));
    Path gated = workDir.resolve("digits-wide-gated.onnx");
    GateReport gate = gate(wide, gated, test, pruning());
    log.println("gate: " + describe(gate));
    if (gate.passed()) {
      Candidate pick = gate.candidates().stream().filter(Candidate::picked).findFirst()
          .orElseThrow();
      models.add(timed(new CompressedModel(wideName, "prune, gate's pick: " + pick.settings(),
          pruned.originalBytes(), pick.fileBytes(), gate.baseline(), pick.score(), BATCH, 0, 0),
          wide, gated, log));
    }
    GateReport fineTunedGate = fineTunedPipeline(wideName, wide, pruned.originalTop1(),
        split.train(), test, models, log);
    return new CompressionBenchReport(environment, int8Large.cpu(), loadBefore, loadAverage(),
        rounds, runsPerRound, models, describe(gate), describe(fineTunedGate));
  }

  /**
   * Structured pruning 50% then fine-tuning on the training rows, then low-rank at each rank of
   * {@link Builder#fineTuneRanks} on that and fine-tuning again; each result is scored and timed
   * against the unpruned original. Then what the gate picks for pruning with fine-tuning.
   */
  private GateReport fineTunedPipeline(String name, Path wide, double wideTop1, Dataset train,
      Dataset test, List<CompressedModel> models, PrintStream log) {
    Path rows = csv(train, workDir.resolve("digits-train.csv"));
    Compressor progress = Compressor.builder().backend(backend).benchmark(BenchmarkSettings.none())
        .nanos(nanos).progress(line -> log.println("  " + line)).build();
    Path pruned = workDir.resolve(stem(wide) + "-pruned-tuned.onnx");
    String label = "prune + fine-tune";
    CompressedModel prunedModel = stage(progress, name, label, wide, wideTop1, wide, pruned,
        fineTuned(pruning(), rows), test, log);
    models.add(prunedModel);
    for (int rank : fineTuneRanks) {
      Path factored = workDir.resolve(stem(wide) + "-pruned-tuned-rank" + rank + ".onnx");
      models.add(stage(progress, name, label + ", low-rank rank " + rank + " + fine-tune",
          wide, wideTop1, pruned, factored, fineTuned(CompressionOptions.builder(Method.LOW_RANK)
              .rank(rank).build(), rows), test, log));
    }
    Path gated = workDir.resolve(stem(wide) + "-gated-tuned.onnx");
    GateReport gate = gate(wide, gated, test, fineTuned(pruning(), rows));
    log.println("gate with fine-tuning: " + describe(gate));
    gate.candidates().stream().filter(Candidate::picked).findFirst().ifPresent(pick ->
        models.add(timed(new CompressedModel(name, label + ", gate's pick: " + pick.settings(),
            prunedModel.originalBytes(), pick.fileBytes(), gate.baseline(), pick.score(), BATCH,
            0, 0), wide, gated, log)));
    return gate;
  }

  /**
   * {@code input} compressed, scored on {@code test} and timed against {@code original}, whose
   * top-1 is {@code originalTop1}.
   */
  private CompressedModel stage(Compressor compressor, String name, String label, Path original,
      double originalTop1, Path input, Path output, CompressionOptions options, Dataset test,
      PrintStream log) {
    GateReport report = compressor.compress(input, output, options,
        AccuracyGate.report(test, Metric.TOP1));
    return timed(new CompressedModel(name, label, bytes(original),
        report.result().result().fileBytes(), originalTop1, report.candidates().get(0).score(),
        BATCH, 0, 0), original, output, log);
  }

  private CompressionOptions fineTuned(CompressionOptions options, Path rows) {
    return CompressionOptions.Builder.from(options).fineTune(rows).fineTuneEpochs(fineTuneEpochs)
        .build();
  }

  private static Path csv(Dataset data, Path file) {
    StringBuilder text = new StringBuilder();
    for (int r = 0; r < data.rows(); r++) {
      for (int c = 0; c < data.featureCount(); c++) {
        text.append(data.feature(r, c)).append(',');
      }
      text.append(data.label(r)).append('\n');
    }
    try {
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static long bytes(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * int8-dynamic (per-channel and per-tensor) and int8-static on the digits MLP, the project's
   * tiny CNN (about 2,700 weights, where names, biases and the input standardization weigh as
   * much as the weights) and a typical small CNN with a hidden dense layer.
   */
  private List<CompressedModel> int8Digits(Compressor compressor, Split split, Path calibration,
      PrintStream log) {
    Map<String, Path> trained = new LinkedHashMap<>();
    trained.put("digits MLP 64-" + widths(digitsHidden) + "-10", train(MlpTrainer.builder()
        .hidden(digitsHidden).options(training()).build()
        .fit(split.train(), split.validation(), p -> { }), "digits-mlp"));
    trained.put("digits CNN (16 filters 3x3)", train(CnnTrainer.builder().options(training())
        .build().fit(split.train(), split.validation(), p -> { }), "digits-cnn"));
    trained.put("digits CNN (" + typicalFilters + " filters 3x3, dense " + widths(typicalHidden)
        + ")", train(CnnTrainer.builder().filters(typicalFilters).hidden(typicalHidden)
        .options(training()).build().fit(split.train(), split.validation(), p -> { }),
        "digits-cnn-typical"));
    List<CompressedModel> models = new ArrayList<>();
    trained.forEach((name, model) -> {
      models.add(scored(compressor, name, model, int8(Method.INT8_DYNAMIC, null), split.test(),
          log));
      models.add(scored(compressor, name, model, CompressionOptions.builder(Method.INT8_DYNAMIC)
          .perChannel(false).build(), split.test(), log));
      models.add(scored(compressor, name, model, int8(Method.INT8_STATIC, calibration),
          split.test(), log));
    });
    return models;
  }

  private CompressedModel scored(Compressor compressor, String name, Path model,
      CompressionOptions options, Dataset test, PrintStream log) {
    String label = options.method().cliName() + (options.perChannel() ? "" : " per-tensor");
    Path output = workDir.resolve(stem(model) + "-" + label.replace(' ', '-') + ".onnx");
    GateReport report = compressor.compress(model, output, options, AccuracyGate.report(test,
        Metric.TOP1));
    CompressedModel measured = new CompressedModel(name, label, report.original().fileBytes(),
        report.result().result().fileBytes(), report.baseline(),
        report.candidates().get(0).score(), BATCH, 0, 0);
    return timed(measured, model, output, log);
  }

  /** Low-rank on the pruned model, scored and timed against the unpruned original. */
  private CompressedModel prunedLowRank(Compressor compressor, String name, Path wide,
      CompressedModel pruned, Dataset test, PrintStream log) {
    Path prunedFile = workDir.resolve(stem(wide) + "-" + Method.PRUNE.cliName() + ".onnx");
    Path output = workDir.resolve(stem(wide) + "-pruned-low-rank.onnx");
    CompressionOptions options = CompressionOptions.builder(Method.LOW_RANK).rank(lowRank)
        .build();
    GateReport report = compressor.compress(prunedFile, output, options,
        AccuracyGate.report(test, Metric.TOP1));
    CompressedModel measured = new CompressedModel(name, pruned.method() + " + low-rank rank "
        + lowRank, pruned.originalBytes(), report.result().result().fileBytes(),
        pruned.originalTop1(), report.candidates().get(0).score(), BATCH, 0, 0);
    return timed(measured, wide, output, log);
  }

  /** What the gate picks for {@code options} within a 1-point drop, timed like the rest. */
  private GateReport gate(Path wide, Path output, Dataset test, CompressionOptions options) {
    Compressor timing = Compressor.builder().backend(backend).nanos(nanos)
        .benchmark(new BenchmarkSettings(List.of(BATCH), Duration.ofMillis(300), 5, 1)).build();
    return timing.compress(wide, output, options,
        AccuracyGate.within(test, Metric.TOP1, CompressionBenchReport.PRUNE_DROP));
  }

  private static String describe(GateReport report) {
    String tried = report.candidates().stream()
        .map(c -> ReportFormat.format("%s (%.2f%%)", c.settings(), c.score()))
        .collect(Collectors.joining("; "));
    return report.conclusion() + " Tried: " + tried + ".";
  }

  private CompressedModel timed(CompressedModel m, Path original, Path compressed,
      PrintStream log) {
    RuntimeOptions options = RuntimeOptions.builder().intraOpThreads(1).interOpThreads(1)
        .build();
    try (LoadedModel a = backend.load(original, options);
        LoadedModel b = backend.load(compressed, options)) {
      List<Tensor> inputs = SyntheticInputs.create(a.signature().inputs(), BATCH, SEED);
      double[] millis = new InterleavedTiming(rounds, runsPerRound, nanos)
          .medianMillis(() -> a.run(inputs, Set.of()), () -> b.run(inputs, Set.of()));
      CompressedModel result = m.withMillis(millis[0], millis[1]);
      log.printf("%s, %s: file %.3fx, top-1 %.2f -> %.2f, rows/s %.2fx%n", result.model(),
          result.method(), result.sizeRatio(), result.originalTop1(), result.compressedTop1(),
          result.speedup());
      return result;
    }
  }

  private TrainingOptions training() {
    return TrainingOptions.builder().epochs(epochs).seed(1).build();
  }

  private Path train(TrainedModel model, String name) {
    Path file = workDir.resolve(name + ".onnx");
    model.writeOnnx(file);
    return file;
  }

  /** The first training rows as JSON rows, int8-static's calibration data. */
  private Path calibration(Dataset train) {
    int rows = Math.min(CALIBRATION_ROWS, train.rows());
    float[][] values = new float[rows][train.featureCount()];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < train.featureCount(); c++) {
        values[r][c] = train.feature(r, c);
      }
    }
    Path file = workDir.resolve("calibration.json");
    try {
      Files.createDirectories(workDir);
      Files.writeString(file, JSON.writeValueAsString(values));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("float rows always serialize", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  private static CompressionOptions int8(Method method, Path calibration) {
    return CompressionOptions.builder(method).calibration(calibration).build();
  }

  private static CompressionOptions pruning() {
    return CompressionOptions.builder(Method.PRUNE).structured(true).sparsity(0.5).build();
  }

  private static String stem(Path model) {
    String name = model.getFileName().toString();
    return name.substring(0, name.length() - ".onnx".length());
  }

  /** The name of the random-weight MLP that int8's speed is measured on. */
  static String speedModelName(int width, int[] hidden) {
    return "MLP " + width + "-" + widths(hidden) + "-" + width + " (random weights)";
  }

  private static String widths(int[] hidden) {
    return Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining("-"));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException | UncheckedIOException e) {
      // the load is context for the reader, not worth failing a benchmark over
      return "unknown";
    }
  }

  /**
   * Validating configuration; the defaults are the models: digits MLP 64-128-10, digits
   * CNNs with 16 filters (and dense 128), wide digits MLP 64-512-512-10, MLP 512-2048-2048-512, 40 epochs, 15 rounds of 10 runs.
   */
  public static final class Builder {
    private int epochs = 40;
    private int[] digitsHidden = {128};
    private int[] wideHidden = {512, 512};
    private int typicalFilters = 16;
    private int[] typicalHidden = {128};
    private int[] speedHidden = {2048, 2048};
    private int speedWidth = 512;
    private int lowRank = 32;
    private int fineTuneEpochs = 10;
    private int[] fineTuneRanks = {16, 32, 64};
    private int rounds = 15;
    private int runsPerRound = 10;
    private Path workDir;
    private Clock clock = Clock.systemUTC();
    private LongSupplier nanos = System::nanoTime;

    private Builder() {}

    public Builder epochs(int epochs) {
      this.epochs = Checks.positive("epochs", epochs);
      return this;
    }

    /** Hidden widths of the digits MLP that int8 is measured on. */
    public Builder digitsHidden(int... widths) {
      this.digitsHidden = Checks.positive("digitsHidden", widths.clone());
      return this;
    }

    /** Hidden widths of the digits MLP that pruning and low-rank are measured on. */
    public Builder wideHidden(int... widths) {
      this.wideHidden = Checks.positive("wideHidden", widths.clone());
      return this;
    }

    /**
     * The typical small CNN int8 is also measured on: {@code filters} 3x3, pooling, dense
     * {@code hidden...}, about 35,000 weights by default (16 filters, dense 128).
     */
    public Builder typicalCnn(int filters, int... hidden) {
      this.typicalFilters = Checks.positive("typical CNN filters", filters);
      this.typicalHidden = Checks.positive("typical CNN hidden widths", hidden.clone());
      return this;
    }

    /** The random-weight MLP for int8 speed: {@code width -> hidden... -> width}. */
    public Builder speedModel(int width, int... hidden) {
      this.speedWidth = Checks.positive("speed model width", width);
      this.speedHidden = Checks.positive("speed model hidden widths", hidden.clone());
      return this;
    }

    /** The rank low-rank keeps after pruning. */
    public Builder lowRank(int rank) {
      this.lowRank = Checks.positive("lowRank", rank);
      return this;
    }

    /** The most epochs of each fine-tuning in the fine-tuned pipeline. */
    public Builder fineTuneEpochs(int epochs) {
      this.fineTuneEpochs = Checks.positive("fineTuneEpochs", epochs);
      return this;
    }

    /** The ranks low-rank keeps after fine-tuned pruning, each fine-tuned again. */
    public Builder fineTuneRanks(int... ranks) {
      this.fineTuneRanks = Checks.positive("fineTuneRanks", ranks.clone());
      return this;
    }

    public Builder rounds(int rounds) {
      this.rounds = Checks.positive("rounds", rounds);
      return this;
    }

    public Builder runsPerRound(int runs) {
      this.runsPerRound = Checks.positive("runsPerRound", runs);
      return this;
    }

    /** Where models are written (default: a new temporary folder). */
    public Builder workDir(Path dir) {
      this.workDir = Objects.requireNonNull(dir, "workDir");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The clock runs are timed with, in nanoseconds. */
    public Builder nanos(LongSupplier nanos) {
      this.nanos = Objects.requireNonNull(nanos, "nanos");
      return this;
    }

    public CompressionBenchmark build() {
      if (workDir == null) {
        try {
          workDir = Files.createTempDirectory("serval-compress-bench");
        } catch (IOException e) {
          throw new UncheckedIOException("cannot create a work folder: " + e.getMessage(), e);
        }
      }
      return new CompressionBenchmark(this);
    }
  }
}
