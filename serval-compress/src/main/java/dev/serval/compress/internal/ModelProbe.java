package dev.serval.compress.internal;

import dev.serval.compress.OutputAgreement;
import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** One model loaded in ONNX Runtime, to check that it runs, compare outputs and time it. */
public final class ModelProbe implements AutoCloseable {
  private static final int CHUNK = 256;

  private final LoadedModel model;
  private final Path file;

  public ModelProbe(OnnxBackend backend, Path file, int threads) {
    this.model = backend.load(file, RuntimeOptions.builder().intraOpThreads(threads).build());
    this.file = file;
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

  /**
   * The model's first FP32 output for {@code rows} rows of {@code features}, row after row, run
   * a chunk of rows at a time.
   *
   * @throws InvalidInputException when the model does not take one FP32 input {@code [batch,
   *     ...]} with as many values per row, or gives no FP32 output
   */
  public float[] firstFloatOutput(float[] features, int rows) {
    int perRow = features.length / Math.max(rows, 1);
    TensorSpec input = rowInput(perRow);
    long[] dims = input.shape().dims();
    float[] result = null;
    int width = 0;
    for (int from = 0; from < rows; from += CHUNK) {
      int count = Math.min(CHUNK, rows - from);
      dims[0] = count;
      ByteBuffer buffer = ByteBuffer.allocateDirect(count * perRow * Float.BYTES)
          .order(ByteOrder.LITTLE_ENDIAN);
      buffer.asFloatBuffer().put(features, from * perRow, count * perRow);
      Tensor output = firstFloat(run(
          List.of(Tensor.of(input.name(), DataType.FP32, Shape.of(dims), buffer))));
      FloatBuffer values = output.data().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      if (result == null) {
        width = values.remaining() / count;
        result = new float[rows * width];
      }
      values.get(result, from * width, count * width);
    }
    return result;
  }

  private TensorSpec rowInput(int perRow) {
    List<TensorSpec> inputs = signature().inputs();
    TensorSpec input = inputs.get(0);
    long[] dims = input.shape().dims();
    long values = 1;
    for (int i = 1; i < dims.length; i++) {
      values = dims[i] < 0 ? -1 : values * dims[i];
      if (values < 0) {
        break;
      }
    }
    if (inputs.size() != 1 || input.datatype() != DataType.FP32 || dims.length < 2
        || !input.shape().isDynamic(0) || values != perRow) {
      throw new InvalidInputException("the rows have " + perRow + " features, but " + file
          + " takes " + inputs + "; scoring and fine-tuning need one FP32 input [batch, ...]"
          + " with that many values per row");
    }
    return input;
  }

  private Tensor firstFloat(List<Tensor> outputs) {
    return outputs.stream()
        .filter(t -> t.datatype() == DataType.FP32)
        .findFirst()
        .orElseThrow(() -> new InvalidInputException(file + " has no FP32 output to score"));
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
