package dev.serval.compress;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.serval.compress.internal.ModelFiles;
import dev.serval.compress.internal.ModelProbe;
import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.train.data.Dataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** Runs two model files on the same random inputs and compares their outputs. */
final class Outputs {
  static final OnnxBackend BACKEND = new OnnxBackend();
  static final Compressor COMPRESSOR =
      Compressor.builder().backend(BACKEND).benchmark(BenchmarkSettings.none()).build();

  private Outputs() {}

  /** The nodes of a model file, in graph order. */
  static List<NodeProto> nodes(Path model) {
    return ModelFiles.read(model).getGraph().getNodeList();
  }

  /** The operator of each node of a model file, in graph order. */
  static List<String> opTypes(Path model) {
    return nodes(model).stream().map(NodeProto::getOpType).toList();
  }

  /** The names of a model file's initializers. */
  static List<String> initializerNames(Path model) {
    return ModelFiles.read(model).getGraph().getInitializerList().stream()
        .map(TensorProto::getName).toList();
  }

  /**
   * The largest |difference| of any output element over the largest |original element|, on 8
   * random rows.
   */
  /**
   * A clock for timing with {@link InterleavedTiming}: each round reads it at its start and end,
   * and rounds alternate between the original and the compressed model, so every fourth reading
   * ends a round of the second model; those take 3 ms, all others 1 ms.
   */
  static LongSupplier secondModelSlower() {
    AtomicLong nanos = new AtomicLong();
    AtomicLong calls = new AtomicLong();
    return () -> nanos.addAndGet(calls.incrementAndGet() % 4 == 0 ? 3_000_000 : 1_000_000);
  }

  /** The largest |difference| of any output element over the largest |original element|. */
  static double relativeError(Path original, Path compressed) {
    try (ModelProbe a = new ModelProbe(BACKEND, original, 1)) {
      return relativeError(original, compressed, a.randomInputs(8, 42));
    }
  }

  /** As {@link #relativeError(Path, Path)}, on the rows of {@code data} as input {@code input}. */
  static double relativeError(Path original, Path compressed, String input, Dataset data) {
    ByteBuffer rows = ByteBuffer.allocateDirect(data.features().length * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    rows.asFloatBuffer().put(data.features());
    return relativeError(original, compressed, List.of(Tensor.of(input, DataType.FP32,
        Shape.of(data.rows(), data.featureCount()), rows)));
  }

  private static double relativeError(Path original, Path compressed, List<Tensor> inputs) {
    try (ModelProbe a = new ModelProbe(BACKEND, original, 1);
        ModelProbe b = new ModelProbe(BACKEND, compressed, 1)) {
      return ModelProbe.agreement(a.run(inputs), b.run(inputs)).stream()
          .mapToDouble(x -> x.maxAbsDifference() / x.maxAbsOriginal())
          .max()
          .orElseThrow();
    }
  }
}
