package dev.serval.compress.internal;

import dev.serval.compress.OutputAgreement;
import dev.serval.compress.Throughput;
import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Signature;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.RuntimeOptions;
import dev.serval.runtime.onnx.OnnxBackend;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/** One model loaded in ONNX Runtime, to check that it runs, compare outputs and time it. */
public final class ModelProbe implements AutoCloseable {
  private static final int WARMUP_RUNS = 3;

  private final LoadedModel model;

  public ModelProbe(OnnxBackend backend, Path file, int threads) {
    this.model = backend.load(file, RuntimeOptions.builder().intraOpThreads(threads).build());
  }

  public Signature signature() {
    return model.signature();
  }

  /** Whether the model takes any batch size, so that batches other than its own can be run. */
  public boolean batchable() {
    return model.signature().isBatchable();
  }

  public List<Tensor> run(List<Tensor> inputs) {
    return model.run(inputs, Set.of());
  }

  /**
   * Inputs of {@code batch} rows (where the first dimension is dynamic; other dynamic dimensions
   * are 1): uniform in [-1, 1) for floats, zeros for other numbers.
   */
  public List<Tensor> randomInputs(int batch, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Tensor> inputs = new ArrayList<>();
    for (TensorSpec spec : model.signature().inputs()) {
      long[] dims = spec.shape().dims();
      for (int i = 0; i < dims.length; i++) {
        if (dims[i] == Shape.DYNAMIC) {
          dims[i] = i == 0 ? batch : 1;
        }
      }
      inputs.add(filled(spec, Shape.of(dims), random));
    }
    return inputs;
  }

  private static Tensor filled(TensorSpec spec, Shape shape, SplittableRandom random) {
    int count = Math.toIntExact(shape.elementCount());
    if (spec.datatype() == DataType.BYTES) {
      byte[][] empty = new byte[count][0];
      return Tensor.ofStrings(spec.name(), shape, empty);
    }
    ByteBuffer data = ByteBuffer.allocateDirect(count * spec.datatype().byteSize())
        .order(ByteOrder.LITTLE_ENDIAN);
    if (spec.datatype() == DataType.FP32) {
      FloatBuffer floats = data.asFloatBuffer();
      for (int i = 0; i < count; i++) {
        floats.put((float) random.nextDouble(-1, 1));
      }
    }
    return Tensor.of(spec.name(), spec.datatype(), shape, data);
  }

  /** Times runs of {@code inputs}, which hold {@code batch} rows, with the given clock. */
  public Throughput measure(
      List<Tensor> inputs, int batch, Duration budget, int minRuns, LongSupplier nanos) {
    for (int i = 0; i < WARMUP_RUNS; i++) {
      run(inputs);
    }
    List<Long> times = new ArrayList<>();
    long start = nanos.getAsLong();
    long elapsed = 0;
    while (times.size() < minRuns || elapsed < budget.toNanos()) {
      long before = nanos.getAsLong();
      run(inputs);
      long after = nanos.getAsLong();
      times.add(after - before);
      elapsed = after - start;
    }
    long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
    double median = sorted[sorted.length / 2] / 1e6;
    double seconds = Math.max(elapsed, 1) / 1e9;
    return new Throughput(batch, median, batch * sorted.length / seconds, sorted.length);
  }

  /** Compares float outputs of two runs on the same inputs, output by output. */
  public static List<OutputAgreement> agreement(List<Tensor> original, List<Tensor> result) {
    List<OutputAgreement> agreements = new ArrayList<>();
    for (int i = 0; i < original.size(); i++) {
      Tensor a = original.get(i);
      Tensor b = result.get(i);
      if (a.datatype() != DataType.FP32 || b.datatype() != DataType.FP32
          || !Arrays.equals(a.shape().dims(), b.shape().dims())) {
        continue;
      }
      FloatBuffer x = a.data().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      FloatBuffer y = b.data().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      double difference = 0;
      double scale = 0;
      for (int j = 0; j < x.remaining(); j++) {
        difference = Math.max(difference, Math.abs(x.get(j) - y.get(j)));
        scale = Math.max(scale, Math.abs(x.get(j)));
      }
      agreements.add(new OutputAgreement(a.name(), difference, scale));
    }
    return agreements;
  }

  @Override
  public void close() {
    model.close();
  }
}
