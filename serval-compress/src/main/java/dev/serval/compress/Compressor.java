package dev.serval.compress;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.serval.compress.internal.CpuFeatures;
import dev.serval.compress.internal.FineTuner;
import dev.serval.compress.internal.GraphEditor;
import dev.serval.compress.internal.ModelFiles;
import dev.serval.compress.internal.ModelProbe;
import dev.serval.compress.internal.Tensors;
import dev.serval.compress.internal.Transforms;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Tensor;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.train.data.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Compresses one ONNX model file into another and reports what it gained. The input is never
 * changed; the output appears complete or not at all (it is written to a temporary file in the
 * output's folder, loaded and run in ONNX Runtime, then moved into place).
 */
public final class Compressor {
  private static final Set<Method> INT8 =
      EnumSet.of(Method.INT8_DYNAMIC, Method.INT8_STATIC, Method.WEIGHT_ONLY);
  private static final long INPUT_SEED = 7;
  private static final int AGREEMENT_BATCH = 16;
  /** Timed rounds per model and batch size, when the settings ask for fewer runs. */
  private static final int ROUNDS = 15;

  private final OnnxBackend backend;
  private final BenchmarkSettings benchmark;
  private final LongSupplier nanos;
  private final Path cpuinfo;
  private final Consumer<String> progress;

  private Compressor(Builder builder) {
    this.backend = builder.backend;
    this.benchmark = builder.benchmark;
    this.nanos = builder.nanos;
    this.cpuinfo = builder.cpuinfo;
    this.progress = builder.progress;
  }

  /** The speed of an original model and of its compressed form, timed together. */
  record Speeds(List<Throughput> original, List<Throughput> result) {}

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Compresses {@code input} into {@code output}, replacing an existing output file.
   *
   * @throws InvalidInputException when the input is not a model this method can compress, the
   *     output is the input, or the calibration data does not fit the model
   * @throws dev.serval.core.ModelLoadException when ONNX Runtime cannot load or run the input
   */
  public CompressionReport compress(Path input, Path output, CompressionOptions options) {
    Path target = output.toAbsolutePath().normalize();
    Path source = input.toAbsolutePath().normalize();
    requireWritable(source, target);
    ModelProto model = ModelFiles.read(source);
    try (ModelProbe original = new ModelProbe(backend, source, benchmark.threads())) {
      return compress(source, target, model, original, options);
    }
  }

  /**
   * As {@link #compress(Path, Path, CompressionOptions)}, with {@code source} already read as
   * {@code model} and loaded as {@code original}: the gate compresses one input many times.
   */
  CompressionReport compress(Path source, Path target, ModelProto model, ModelProbe original,
      CompressionOptions options) {
    GraphEditor graph = new GraphEditor(model);
    List<NodeDecision> decisions =
        Transforms.apply(options, backend, benchmark.threads(), graph);
    requireChange(options.method(), decisions);
    ModelProto compressed = graph.build();
    FineTuningReport tuning = null;
    if (options.fineTuned()) {
      FineTuner.Tuned tuned = fineTune(compressed, original, options);
      compressed = tuned.model();
      tuning = tuned.report();
    }
    try {
      Path temp = temporaryFile(target);
      try {
        Files.write(temp, compressed.toByteArray());
        CompressionReport report = measure(source, target, temp, original, model, compressed,
            options, decisions, tuning);
        move(temp, target);
        return report;
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Compresses {@code input} and scores the result on the gate's evaluation rows. With a
   * tolerance ({@link AccuracyGate#within}), other settings of the method are tried too and the
   * best model within it is written to {@code output}; when there is none, nothing is written
   * and the report says why ({@link GateReport#passed()} is false).
   *
   * @throws InvalidInputException as {@link #compress(Path, Path, CompressionOptions)} does, and
   *     when the evaluation rows do not fit the model's input
   */
  public GateReport compress(
      Path input, Path output, CompressionOptions options, AccuracyGate gate) {
    return GateSearch.run(this, gate, input, output, options);
  }

  OnnxBackend backend() {
    return backend;
  }

  int threads() {
    return benchmark.threads();
  }

  String cpu() {
    return CpuFeatures.describe(cpuinfo);
  }

  /** The same compressor, measuring no speed. */
  Compressor withoutTiming() {
    return builder().backend(backend).benchmark(BenchmarkSettings.none()).nanos(nanos)
        .cpuinfo(cpuinfo).progress(progress).build();
  }

  /**
   * The speed of {@code original} and {@code result} at each batch size, on the same inputs,
   * timed in alternating rounds ({@link InterleavedTiming}) so that load changes fall on both.
   * Each round runs a model as often as fits the budget's share.
   */
  Speeds time(ModelProbe original, ModelProbe result) {
    List<Throughput> before = new ArrayList<>();
    List<Throughput> after = new ArrayList<>();
    int rounds = Math.max(ROUNDS, benchmark.minRuns());
    for (int batch : batches(original)) {
      List<Tensor> inputs = original.randomInputs(batch, INPUT_SEED);
      int rows = Math.toIntExact(inputs.get(0).shape().dim(0));
      Runnable a = () -> original.run(inputs);
      Runnable b = () -> result.run(inputs);
      InterleavedTiming timing =
          new InterleavedTiming(rounds, runsPerRound(a, b, rounds), nanos);
      double[] millis = timing.medianMillis(a, b);
      before.add(Throughput.of(rows, millis[0], timing.runs()));
      after.add(Throughput.of(rows, millis[1], timing.runs()));
    }
    return new Speeds(before, after);
  }

  /** Runs per round so that each model's rounds take about the budget (at least one). */
  private int runsPerRound(Runnable a, Runnable b, int rounds) {
    if (benchmark.budget().isZero()) {
      return 1;
    }
    a.run(); // the first run of a session is much slower than the rest
    b.run();
    long start = nanos.getAsLong();
    a.run();
    b.run();
    double perRun = Math.max(1, nanos.getAsLong() - start) / 2.0;
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE,
        benchmark.budget().toNanos() / (rounds * perRun)));
  }

  private FineTuner.Tuned fineTune(ModelProto compressed, ModelProbe original,
      CompressionOptions options) {
    Dataset rows = options.fineTuneLabels() == null ? EvaluationData.read(options.fineTune())
        : EvaluationData.read(options.fineTune(), options.fineTuneLabels());
    String label = settings(options);
    // magnitude pruning's zeros are its result: training must not fill them in again
    boolean keepZeros = options.method() == Method.PRUNE && !options.structured();
    return new FineTuner(options.fineTuneEpochs(), options.fineTuneSeed(), keepZeros,
        line -> progress.accept(label + ": " + line))
        .tune(compressed, original, rows, options.fineTune().toString());
  }

  private CompressionReport measure(Path source, Path target, Path temp, ModelProbe original,
      ModelProto model, ModelProto compressed, CompressionOptions options,
      List<NodeDecision> decisions, FineTuningReport tuning) {
    try (ModelProbe result = new ModelProbe(backend, temp, benchmark.threads())) {
      List<Tensor> inputs = original.randomInputs(AGREEMENT_BATCH, INPUT_SEED);
      List<OutputAgreement> agreement =
          ModelProbe.agreement(original.run(inputs), result.run(inputs));
      Speeds speeds = time(original, result);
      String cpu = cpu();
      return new CompressionReport(options.method(), settings(options), source.toString(),
          target.toString(), cpu, benchmark.threads(),
          new ModelSummary(ModelFiles.size(source), parameters(model), speeds.original()),
          new ModelSummary(ModelFiles.size(temp), parameters(compressed), speeds.result()),
          agreement, decisions, notes(options.method(), speeds.original(), speeds.result(), cpu),
          tuning);
    }
  }

  private List<Integer> batches(ModelProbe probe) {
    if (probe.batchable() || benchmark.batches().isEmpty()) {
      return benchmark.batches();
    }
    return List.of(1); // a fixed batch size: its inputs ignore the requested one
  }

  static List<String> notes(
      Method method, List<Throughput> before, List<Throughput> after, String cpu) {
    List<String> notes = new ArrayList<>();
    for (int i = 0; i < after.size(); i++) {
      double fp32 = before.get(i).rowsPerSecond();
      double quantized = after.get(i).rowsPerSecond();
      if (INT8.contains(method) && quantized < fp32) {
        notes.add(String.format(Locale.ROOT,
            "the quantized model is slower than float32 at batch %d on this CPU (%.0f vs %.0f"
                + " rows/s; CPU: %s)%s", after.get(i).batch(), quantized, fp32, cpu,
            cpu.contains("no VNNI")
                ? ": without VNNI int8 dot products are not faster than float ones here"
                : ""));
      }
    }
    return notes;
  }

  private static void requireChange(Method method, List<NodeDecision> decisions) {
    if (decisions.stream().noneMatch(NodeDecision::changed)) {
      String reasons = decisions.stream()
          .map(d -> d.node() + " (" + d.opType() + "): " + d.detail())
          .collect(Collectors.joining("; "));
      throw new InvalidInputException(method.cliName() + " found no node to change"
          + (reasons.isEmpty() ? " (the model has no operator this method rewrites)"
              : ": " + reasons)
          + "; no output was written");
    }
  }

  private static long parameters(ModelProto model) {
    return model.getGraph().getInitializerList().stream().mapToLong(Tensors::elementCount).sum();
  }

  static String settings(CompressionOptions o) {
    return methodSettings(o)
        + (o.excludedNodes().isEmpty() ? "" : ", excluding " + String.join(", ", o.excludedNodes()))
        + (o.fineTuned() ? ", fine-tuned " + o.fineTuneEpochs() + " epochs" : "");
  }

  private static String methodSettings(CompressionOptions o) {
    switch (o.method()) {
      case INT8_DYNAMIC:
        return quantization(o) + ", " + o.kernels().name().toLowerCase(Locale.ROOT) + " kernels";
      case INT8_STATIC:
        return quantization(o) + ", calibration " + o.calibrationMethod()
            + (o.calibrationMethod() == CalibrationMethod.PERCENTILE ? " " + o.percentile() : "")
            + " on " + o.calibration();
      case WEIGHT_ONLY:
        return o.bits() == 8 ? "int8 " + quantization(o)
            : "4-bit, blocks of " + o.blockSize() + (o.symmetric() ? ", symmetric" : "");
      case PRUNE:
        return (o.structured() ? "structured" : "magnitude") + ", sparsity " + o.sparsity();
      case LOW_RANK:
        return o.rank() > 0 ? "rank " + o.rank() : "energy " + o.energy();
      default:
        return o.clusterBits() + "-bit codebook (" + (1 << o.clusterBits()) + " values)";
    }
  }

  private static String quantization(CompressionOptions o) {
    return (o.perChannel() ? "per-channel" : "per-tensor")
        + (o.symmetric() ? ", symmetric" : ", asymmetric");
  }

  static void requireWritable(Path input, Path output) {
    if (input.equals(output)) {
      throw new InvalidInputException("--output must differ from the input model " + input
          + ": the input is never overwritten");
    }
    Path folder = output.getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw new InvalidInputException("output folder " + folder + " does not exist");
    }
  }

  private static Path temporaryFile(Path target) throws IOException {
    return Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
  }

  static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Builder; the defaults measure batch 1 and 64 on the system clock. */
  public static final class Builder {
    private OnnxBackend backend;
    private BenchmarkSettings benchmark = BenchmarkSettings.defaults();
    private LongSupplier nanos = System::nanoTime;
    private Path cpuinfo = Path.of("/proc/cpuinfo");
    private Consumer<String> progress = line -> { };

    private Builder() {}

    /** Receives progress lines of long steps, such as each epoch of fine-tuning. */
    public Builder progress(Consumer<String> progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    public Builder backend(OnnxBackend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    public Builder benchmark(BenchmarkSettings benchmark) {
      this.benchmark = Objects.requireNonNull(benchmark, "benchmark");
      return this;
    }

    /** The clock runs are timed with, in nanoseconds. */
    public Builder nanos(LongSupplier nanos) {
      this.nanos = Objects.requireNonNull(nanos, "nanos");
      return this;
    }

    /** Where the CPU's features are read (Linux's /proc/cpuinfo by default). */
    public Builder cpuinfo(Path cpuinfo) {
      this.cpuinfo = Objects.requireNonNull(cpuinfo, "cpuinfo");
      return this;
    }

    public Compressor build() {
      if (backend == null) {
        backend = new OnnxBackend();
      }
      return new Compressor(this);
    }
  }
}
