package dev.serval.bench;

import dev.serval.bench.internal.Checks;
import dev.serval.bench.internal.LatencyHistogram;
import dev.serval.bench.internal.MeasuredLoop;
import dev.serval.bench.internal.Progress;
import dev.serval.bench.internal.SyntheticInputs;
import dev.serval.bench.internal.Workers;
import dev.serval.core.Signature;
import dev.serval.core.Tensor;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.ModelBackend;
import dev.serval.core.runtime.RuntimeOptions;
import dev.serval.runtime.onnx.OnnxBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Raw in-process runtime speed: loads a model through the runtime SPI and runs it back to back on
 * synthetic inputs at each batch size, after a warmup, reporting rows/s and per-run latency. This
 * is the ceiling the server's batched throughput is compared with.
 */
public final class RuntimeBenchmark {
  private final Path model;
  private final ModelBackend backend;
  private final List<Integer> batchSizes;
  private final int instances;
  private final int intraOpThreads;
  private final Duration warmup;
  private final Duration duration;
  private final long seed;
  private final Consumer<String> progress;

  private RuntimeBenchmark(Builder b) {
    this.model = b.model;
    this.backend = b.backend;
    this.batchSizes = b.batchSizes;
    this.instances = b.instances;
    this.intraOpThreads = b.intraOpThreads;
    this.warmup = b.warmup;
    this.duration = b.duration;
    this.seed = b.seed;
    this.progress = b.progress;
  }

  /** @param model the model artifact, e.g. a {@code model.onnx} file */
  public static Builder builder(Path model) {
    return new Builder(model);
  }

  /**
   * Measures every batch size in turn. A model whose first dimension is fixed is measured once, at
   * that size.
   *
   * @throws dev.serval.core.ModelLoadException when the model cannot be loaded or run
   */
  public List<RuntimeResult> run() {
    RuntimeOptions options = RuntimeOptions.builder()
        .intraOpThreads(intraOpThreads)
        .interOpThreads(1)
        .build();
    List<LoadedModel> models = new ArrayList<>();
    try {
      for (int i = 0; i < instances; i++) {
        models.add(backend.load(model, options));
      }
      List<RuntimeResult> results = new ArrayList<>();
      for (int batch : batchSizesFor(models.get(0).signature())) {
        results.add(measure(models, batch));
      }
      return results;
    } finally {
      models.forEach(LoadedModel::close);
    }
  }

  private List<Integer> batchSizesFor(Signature signature) {
    if (signature.isBatchable()) {
      return batchSizes;
    }
    long fixed = signature.inputs().get(0).shape().rank() == 0
        ? 1
        : Math.max(1, signature.inputs().get(0).shape().dim(0));
    progress.accept("runtime: the model's first dimension is fixed; measuring batch " + fixed
        + " only");
    return List.of((int) fixed);
  }

  private RuntimeResult measure(List<LoadedModel> models, int batch) {
    List<Tensor> inputs = SyntheticInputs.create(models.get(0).signature().inputs(), batch, seed);
    String phase = "runtime batch=" + batch + " instances=" + instances + " threads="
        + intraOpThreads;
    progress.accept(phase + ": warmup " + Progress.seconds(warmup) + ", measure "
        + Progress.seconds(duration));
    long measureStart = System.nanoTime() + warmup.toNanos();
    long end = measureStart + duration.toNanos();
    List<LatencyHistogram> histograms = new ArrayList<>();
    List<Runnable> loops = new ArrayList<>();
    for (LoadedModel loaded : models) {
      LatencyHistogram histogram = new LatencyHistogram();
      histograms.add(histogram);
      MeasuredLoop.Operation runOnce = () -> {
        loaded.run(inputs, Set.of());
        return true;
      };
      loops.add(() -> MeasuredLoop.repeat(runOnce, measureStart, end, histogram));
    }
    Workers workers = Workers.start("serval-bench-runtime-", loops);
    if (!workers.awaitUntil(measureStart)) {
      progress.accept(phase + ": measuring");
    }
    workers.await();
    LatencyHistogram total = new LatencyHistogram();
    histograms.forEach(total::add);
    double seconds = duration.toNanos() / 1e9;
    RuntimeResult result = new RuntimeResult(batch, instances, intraOpThreads, seconds,
        total.count(), total.count() / seconds, total.count() * (double) batch / seconds,
        total.summary());
    progress.accept(phase + ": " + BenchmarkReport.oneLine(result));
    return result;
  }

  /** Validating builder; defaults: batches 1, 8, 64, one instance, one thread, 2 s + 10 s. */
  public static final class Builder {
    private final Path model;
    private ModelBackend backend = new OnnxBackend();
    private List<Integer> batchSizes = List.of(1, 8, 64);
    private int instances = 1;
    private int intraOpThreads = 1;
    private Duration warmup = Duration.ofSeconds(2);
    private Duration duration = Duration.ofSeconds(10);
    private long seed = 42;
    private Consumer<String> progress = line -> { };

    private Builder(Path model) {
      if (!Files.isRegularFile(Objects.requireNonNull(model, "model"))) {
        throw new IllegalArgumentException("model must be a file but was '" + model + "'");
      }
      this.model = model;
    }

    /** The runtime to measure; ONNX Runtime by default. */
    public Builder backend(ModelBackend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    public Builder batchSizes(int... sizes) {
      this.batchSizes = IntStream.of(Checks.positive("batchSizes", sizes)).boxed().toList();
      return this;
    }

    /** Model instances run in parallel, one thread each, as the server's instance_count does. */
    public Builder instances(int instances) {
      this.instances = Checks.positive("instances", instances);
      return this;
    }

    /** ONNX Runtime intra-op threads per instance. */
    public Builder intraOpThreads(int threads) {
      this.intraOpThreads = Checks.positive("intraOpThreads", threads);
      return this;
    }

    public Builder warmup(Duration warmup) {
      this.warmup = Checks.nonNegative("warmup", warmup);
      return this;
    }

    public Builder duration(Duration duration) {
      this.duration = Checks.positive("duration", duration);
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Receives one line when each phase starts and ends. */
    public Builder progress(Consumer<String> progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    public RuntimeBenchmark build() {
      return new RuntimeBenchmark(this);
    }
  }
}
