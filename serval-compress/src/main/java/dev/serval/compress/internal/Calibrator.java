package dev.serval.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.serval.compress.CompressionOptions;
import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import dev.serval.runtime.onnx.OnnxBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a model on calibration rows with chosen intermediate tensors exposed as outputs, and turns
 * the values seen into quantization ranges.
 */
final class Calibrator {
  private static final int BATCH = 64;

  private final CompressionOptions options;
  private final OnnxBackend backend;
  private final int threads;

  Calibrator(CompressionOptions options, OnnxBackend backend, int threads) {
    this.options = options;
    this.backend = backend;
    this.threads = threads;
  }

  /** {@code [low, high]} for each tensor, from running {@code model} on the calibration data. */
  Map<String, float[]> ranges(ModelProto model, List<String> tensors) {
    Path temp = null;
    try {
      temp = Files.createTempFile("serval-calibration", ".onnx");
      Files.write(temp, withOutputs(model, tensors).toByteArray());
      Map<String, float[]> values = observe(temp, tensors);
      Map<String, float[]> ranges = new LinkedHashMap<>();
      values.forEach((name, seen) -> ranges.put(name, ActivationRanges.range(seen,
          options.calibrationMethod(), options.percentile())));
      return ranges;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a calibration model: " + e.getMessage(), e);
    } finally {
      deleteQuietly(temp);
    }
  }

  private Map<String, float[]> observe(Path file, List<String> tensors) {
    Map<String, FloatCollector> seen = new LinkedHashMap<>();
    tensors.forEach(t -> seen.put(t, new FloatCollector()));
    try (ModelProbe probe = new ModelProbe(backend, file, threads)) {
      if (probe.signature().inputs().size() != 1
          || probe.signature().inputs().get(0).datatype() != DataType.FP32) {
        throw new InvalidInputException("int8-static calibrates models with one float input;"
            + " this model's inputs are " + probe.signature().inputs());
      }
      TensorSpec input = probe.signature().inputs().get(0);
      List<float[]> rows = CalibrationData.read(options.calibration(), input);
      for (int start = 0; start < rows.size(); start += BATCH) {
        List<float[]> batch = rows.subList(start, Math.min(rows.size(), start + BATCH));
        Tensor tensor = batchTensor(input, batch);
        if (seen.containsKey(input.name())) {
          batch.forEach(seen.get(input.name())::add);
        }
        for (Tensor output : probe.run(List.of(tensor))) {
          if (seen.containsKey(output.name()) && !output.name().equals(input.name())) {
            FloatBuffer data = output.data().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float[] values = new float[data.remaining()];
            data.get(values);
            seen.get(output.name()).add(values);
          }
        }
      }
    }
    Map<String, float[]> values = new LinkedHashMap<>();
    seen.forEach((name, collector) -> values.put(name, collector.values()));
    return values;
  }

  private static Tensor batchTensor(TensorSpec input, List<float[]> rows) {
    int perRow = rows.get(0).length;
    ByteBuffer data = ByteBuffer.allocateDirect(rows.size() * perRow * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer floats = data.asFloatBuffer();
    rows.forEach(floats::put);
    long[] dims = input.shape().dims();
    dims[0] = rows.size();
    return Tensor.of(input.name(), DataType.FP32, Shape.of(dims), data);
  }

  /** The model with each tensor (not already an input or output) added as a float output. */
  private static ModelProto withOutputs(ModelProto model, List<String> tensors) {
    GraphProto.Builder graph = model.getGraph().toBuilder();
    for (String tensor : tensors) {
      boolean visible = graph.getOutputList().stream().anyMatch(v -> v.getName().equals(tensor))
          || graph.getInputList().stream().anyMatch(v -> v.getName().equals(tensor));
      if (!visible) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(tensor).setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber()))));
      }
    }
    return model.toBuilder().setGraph(graph).build();
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a leftover temporary file does no harm; the calibration result stands
      }
    }
  }

  /** A growing array of floats. */
  private static final class FloatCollector {
    private float[] values = new float[1024];
    private int size;

    void add(float[] more) {
      if (size + more.length > values.length) {
        values = Arrays.copyOf(values, Math.max(values.length * 2, size + more.length));
      }
      System.arraycopy(more, 0, values, size, more.length);
      size += more.length;
    }

    float[] values() {
      return Arrays.copyOf(values, size);
    }
  }
}
