package dev.serval.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.serval.bench.internal.Checks;
import dev.serval.bench.internal.GraphExport;
import dev.serval.bench.internal.OptionPairs;
import dev.serval.bench.internal.SyntheticInputs;
import dev.serval.compress.BenchmarkSettings;
import dev.serval.compress.CompressionOptions;
import dev.serval.compress.Compressor;
import dev.serval.compress.InterleavedTiming;
import dev.serval.compress.Method;
import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.RuntimeOptions;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.train.MlpTrainer;
import dev.serval.train.Teacher;
import dev.serval.train.TrainingOptions;
import dev.serval.train.data.Dataset;
import dev.serval.train.data.Datasets;
import dev.serval.train.data.NpyWriter;
import dev.serval.train.data.Split;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Serval's side of the comparison with PyTorch's {@code quantize_dynamic}
 * ({@code bench/compare-torch.sh}): builds the models of {@link CompressionBenchmark} (the
 * digits MLP trained here, and the random-weight MLP 512-2048-2048-512), exports each one's
 * graph, weights, evaluation rows and float32 outputs as {@code .npy} files for the peer
 * script, and measures Serval's int8-dynamic model: top-1 on the same rows, and time per batch
 * of 64 with one intra-op thread, interleaved with the float32 model.
 */
public final class TorchComparison {
  private static final int BATCH = 64;
  private static final long SEED = 7;
  private static final String OUTPUT = "probabilities";
  /** The digits MLP of {@link CompressionBenchmark}: 64-128-10. */
  private static final int DIGITS_HIDDEN = 128;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final int epochs;
  private final int speedWidth;
  private final int[] speedHidden;
  private final int rounds;
  private final int runsPerRound;
  private final Path workDir;
  private final LongSupplier nanos;
  private final OnnxBackend backend = new OnnxBackend();

  private TorchComparison(Builder b) {
    this.epochs = b.epochs;
    this.speedWidth = b.speedWidth;
    this.speedHidden = b.speedHidden;
    this.rounds = b.rounds;
    this.runsPerRound = b.runsPerRound;
    this.workDir = b.workDir;
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
   * {@code --work-dir DIR [--epochs 40] [--rounds 15] [--runs 10]}: exports into DIR, writes
   * Serval's measurements to {@code DIR/serval.json} and prints them; progress to {@code err}.
   * Returns 0, or 2 on bad arguments.
   */
  public static int runCommand(String[] args, PrintStream out, PrintStream err) {
    Builder builder = builder();
    int[] timing = {15, 10};
    try {
      OptionPairs.apply(args, Map.of(
          "--epochs", v -> builder.epochs(Integer.parseInt(v)),
          "--rounds", v -> timing[0] = Integer.parseInt(v),
          "--runs", v -> timing[1] = Integer.parseInt(v),
          "--work-dir", v -> builder.workDir(Path.of(v))));
      List<Int8SideBySide> results = builder.timing(timing[0], timing[1]).build().run(err);
      out.println(JSON.writeValueAsString(results));
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("torch comparison: " + e.getMessage() + " (usage: --work-dir DIR"
          + " [--epochs N] [--rounds N] [--runs N])");
      return 2;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot print the results", e);
    }
  }

  /** Exports both models and measures Serval's int8 on them; also writes serval.json. */
  public List<Int8SideBySide> run(PrintStream log) {
    Split split = Datasets.digits().split(0.15, 0.15, SEED);
    Dataset test = split.test();
    List<Int8SideBySide> results = new ArrayList<>();

    log.println("training the digits MLP (" + epochs + " epochs) ...");
    Path mlp = folder("digits-mlp").resolve("model.onnx");
    MlpTrainer.builder().hidden(DIGITS_HIDDEN)
        .options(TrainingOptions.builder().epochs(epochs).seed(1).build())
        .build().fit(split.train(), split.validation(), p -> { }).writeOnnx(mlp);
    long[] labels = new long[test.rows()];
    Arrays.setAll(labels, test::label);
    results.add(measure("digits-mlp", "digits MLP 64-" + DIGITS_HIDDEN + "-10", mlp,
        test.features(), test.featureCount(), labels, log));

    Path large = folder("mlp-large").resolve("model.onnx");
    SampleModels.write(SampleModels.mlp(speedWidth, speedHidden, speedWidth, 1), large);
    float[] rows = floats(SyntheticInputs.create(List.of(new TensorSpec("input", DataType.FP32,
        Shape.ofSignature(-1, speedWidth))), BATCH, SEED).get(0));
    results.add(measure("mlp-large", CompressionBenchmark.speedModelName(speedWidth, speedHidden),
        large, rows, speedWidth, null, log));

    Path file = workDir.resolve("serval.json");
    try {
      JSON.writeValue(file.toFile(), results);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return results;
  }

  /**
   * Exports one model and its rows ({@code width} values each, at least {@link #BATCH}; labels
   * or null), compresses it, and measures both versions.
   */
  private Int8SideBySide measure(String key, String name, Path model, float[] rows, int width,
      long[] labels, PrintStream log) {
    Path dir = model.getParent();
    int count = rows.length / width;
    export(key, model, rows, width, labels);
    log.println(name + ": int8-dynamic ...");
    Path int8 = dir.resolve("model-int8.onnx");
    Compressor.builder().backend(backend).benchmark(BenchmarkSettings.none()).build()
        .compress(model, int8, CompressionOptions.builder(Method.INT8_DYNAMIC).build());
    RuntimeOptions options = RuntimeOptions.builder().intraOpThreads(1).interOpThreads(1)
        .build();
    try (LoadedModel fp32 = backend.load(model, options);
        LoadedModel quantized = backend.load(int8, options)) {
      float[] expected = outputs(fp32, rows, count, width);
      float[] actual = outputs(quantized, rows, count, width);
      int classes = expected.length / count;
      NpyWriter.writeFloats(dir.resolve("expected.npy"), expected, count, classes);
      log.println(name + ": timing float32 and int8 at batch " + BATCH + " ...");
      List<Tensor> batch = List.of(tensor(Arrays.copyOf(rows, BATCH * width), BATCH, width));
      double[] millis = new InterleavedTiming(rounds, runsPerRound, nanos)
          .medianMillis(() -> fp32.run(batch, Set.of()), () -> quantized.run(batch, Set.of()));
      Int8SideBySide result = new Int8SideBySide(key, name, count,
          top1(expected, classes, labels), top1(actual, classes, labels),
          agreement(expected, actual, classes), BATCH, millis[0], millis[1]);
      log.printf("%s: top-1 %.2f -> %.2f, int8 %.0f rows/s%n", name, result.fp32Top1(),
          result.int8Top1(), result.int8RowsPerSecond());
      return result;
    }
  }

  /** The graph and weights under {@code weights/}, the rows as x.npy and the labels as y.npy. */
  private void export(String key, Path model, float[] rows, int width, long[] labels) {
    GraphExport.write(model, OUTPUT, folder(key + "/weights"));
    int count = rows.length / width;
    NpyWriter.writeFloats(model.resolveSibling("x.npy"), rows, count, width);
    if (labels != null) {
      NpyWriter.writeLongs(model.resolveSibling("y.npy"), labels, count);
    }
  }

  private static float[] outputs(LoadedModel model, float[] rows, int count, int width) {
    return floats(model.run(List.of(tensor(rows, count, width)), Set.of(OUTPUT)).get(0));
  }

  private static Tensor tensor(float[] rows, int count, int width) {
    ByteBuffer data = ByteBuffer.allocateDirect(rows.length * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    data.asFloatBuffer().put(rows);
    return Tensor.of("input", DataType.FP32, Shape.of(count, width), data);
  }

  private static float[] floats(Tensor tensor) {
    float[] values = new float[Math.toIntExact(tensor.shape().elementCount())];
    tensor.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }

  private static double top1(float[] outputs, int classes, long[] labels) {
    if (labels == null) {
      return Double.NaN;
    }
    int[] predicted = Teacher.topClasses(outputs, labels.length, classes);
    int correct = 0;
    for (int r = 0; r < labels.length; r++) {
      correct += predicted[r] == labels[r] ? 1 : 0;
    }
    return 100.0 * correct / labels.length;
  }

  private static double agreement(float[] a, float[] b, int classes) {
    int rows = a.length / classes;
    int[] first = Teacher.topClasses(a, rows, classes);
    int[] second = Teacher.topClasses(b, rows, classes);
    int same = 0;
    for (int r = 0; r < rows; r++) {
      same += first[r] == second[r] ? 1 : 0;
    }
    return 100.0 * same / rows;
  }

  private Path folder(String name) {
    Path dir = workDir.resolve(name);
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Validating configuration; the defaults are {@link CompressionBenchmark}'s models. */
  public static final class Builder {
    private int epochs = 40;
    private int speedWidth = 512;
    private int[] speedHidden = {2048, 2048};
    private int rounds = 15;
    private int runsPerRound = 10;
    private Path workDir;
    private LongSupplier nanos = System::nanoTime;

    private Builder() {}

    public Builder epochs(int epochs) {
      this.epochs = Checks.positive("epochs", epochs);
      return this;
    }

    /** The random-weight MLP timed for speed: {@code width -> hidden... -> width}. */
    public Builder speedModel(int width, int... hidden) {
      this.speedWidth = Checks.positive("speed model width", width);
      this.speedHidden = Checks.positive("speed model hidden widths", hidden.clone());
      return this;
    }

    /** Timed rounds per model (after 3 untimed ones) and runs per round. */
    public Builder timing(int rounds, int runsPerRound) {
      this.rounds = Checks.positive("rounds", rounds);
      this.runsPerRound = Checks.positive("runsPerRound", runsPerRound);
      return this;
    }

    /** Where the models, weights, rows and serval.json go (required). */
    public Builder workDir(Path dir) {
      this.workDir = Objects.requireNonNull(dir, "workDir");
      return this;
    }

    /** The clock runs are timed with, in nanoseconds. */
    public Builder nanos(LongSupplier nanos) {
      this.nanos = Objects.requireNonNull(nanos, "nanos");
      return this;
    }

    public TorchComparison build() {
      if (workDir == null) {
        throw new IllegalArgumentException("workDir is required: where the exported models go");
      }
      return new TorchComparison(this);
    }
  }
}
