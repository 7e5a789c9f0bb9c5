package dev.serval.compress.internal;

import dev.serval.compress.Metric;
import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.train.data.Dataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Scores model files on labelled rows: each model's first float output is compared with the
 * labels (top-1) or with the original model's output on the same rows (agreement, max error).
 */
public final class Evaluator {
  private static final int CHUNK = 256;

  private final OnnxBackend backend;
  private final Dataset data;
  private final int threads;
  private final Metric metric;
  private final float[] reference;

  /** Runs {@code original} once for the reference outputs. */
  public Evaluator(
      OnnxBackend backend, Dataset data, int threads, Metric metric, Path original) {
    this.backend = backend;
    this.data = data;
    this.threads = threads;
    this.metric = metric;
    this.reference = outputs(original);
  }

  /** The metric of the original model. */
  public double baseline() {
    return score(reference);
  }

  /** The metric of {@code model}, which must take and give what the original does. */
  public double score(Path model) {
    return score(outputs(model));
  }

  private double score(float[] outputs) {
    int rows = data.rows();
    int width = reference.length / rows;
    if (metric == Metric.MAX_ABS_ERROR) {
      double max = 0;
      for (int i = 0; i < outputs.length; i++) {
        max = Math.max(max, Math.abs(outputs[i] - reference[i]));
      }
      return max;
    }
    int hits = 0;
    for (int r = 0; r < rows; r++) {
      int expected = metric == Metric.TOP1 ? data.label(r) : argmax(reference, r, width);
      hits += argmax(outputs, r, width) == expected ? 1 : 0;
    }
    return 100.0 * hits / rows;
  }

  private static int argmax(float[] values, int row, int width) {
    int best = 0;
    for (int k = 1; k < width; k++) {
      if (values[row * width + k] > values[row * width + best]) {
        best = k;
      }
    }
    return best;
  }

  /** The model's first float output on every row, row after row. */
  private float[] outputs(Path model) {
    try (ModelProbe probe = new ModelProbe(backend, model, threads)) {
      TensorSpec input = input(probe, model);
      long[] dims = input.shape().dims();
      int features = data.featureCount();
      float[] result = null;
      int width = 0;
      for (int from = 0; from < data.rows(); from += CHUNK) {
        int count = Math.min(CHUNK, data.rows() - from);
        dims[0] = count;
        ByteBuffer buffer = ByteBuffer.allocateDirect(count * features * Float.BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer floats = buffer.asFloatBuffer();
        for (int r = from; r < from + count; r++) {
          for (int c = 0; c < features; c++) {
            floats.put(data.feature(r, c));
          }
        }
        Tensor output = firstFloat(probe.run(
            List.of(Tensor.of(input.name(), DataType.FP32, Shape.of(dims), buffer))), model);
        FloatBuffer values = output.data().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        if (result == null) {
          width = values.remaining() / count;
          result = new float[data.rows() * width];
        }
        values.get(result, from * width, count * width);
      }
      return result;
    }
  }

  private TensorSpec input(ModelProbe probe, Path model) {
    List<TensorSpec> inputs = probe.signature().inputs();
    TensorSpec input = inputs.get(0);
    long[] dims = input.shape().dims();
    long perRow = 1;
    for (int i = 1; i < dims.length; i++) {
      perRow = dims[i] < 0 ? -1 : perRow * dims[i];
      if (perRow < 0) {
        break;
      }
    }
    if (inputs.size() != 1 || input.datatype() != DataType.FP32 || dims.length < 2
        || !input.shape().isDynamic(0) || perRow != data.featureCount()) {
      throw new InvalidInputException("the evaluation rows have " + data.featureCount()
          + " features, but " + model + " takes " + inputs + "; the accuracy gate needs one FP32"
          + " input [batch, ...] with that many values per row");
    }
    return input;
  }

  private static Tensor firstFloat(List<Tensor> outputs, Path model) {
    return outputs.stream()
        .filter(t -> t.datatype() == DataType.FP32)
        .findFirst()
        .orElseThrow(() -> new InvalidInputException(model + " has no FP32 output to score"));
  }
}
