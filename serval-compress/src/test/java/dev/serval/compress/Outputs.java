package dev.serval.compress;

import dev.serval.compress.internal.ModelProbe;
import dev.serval.core.Tensor;
import dev.serval.runtime.onnx.OnnxBackend;
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
    try (ModelProbe a = new ModelProbe(BACKEND, original, 1);
        ModelProbe b = new ModelProbe(BACKEND, compressed, 1)) {
      List<Tensor> inputs = a.randomInputs(8, 42);
      return ModelProbe.agreement(a.run(inputs), b.run(inputs)).stream()
          .mapToDouble(x -> x.maxAbsDifference() / x.maxAbsOriginal())
          .max()
          .orElseThrow();
    }
  }
}
