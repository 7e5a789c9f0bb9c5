package dev.serval.compress.internal;

import dev.serval.compress.CompressionOptions;
import dev.serval.runtime.onnx.OnnxBackend;

/** The rewrite for each method. */
public final class Transforms {
  private Transforms() {}

  /**
   * @param backend runs the model on int8-static's calibration data
   * @param threads intra-op threads for those runs
   */
  public static Transform of(CompressionOptions options, OnnxBackend backend, int threads) {
    switch (options.method()) {
      case INT8_DYNAMIC:
        return new Int8Dynamic(options);
      case WEIGHT_ONLY:
        return new WeightOnly(options.bits(), options.blockSize(), options.perChannel(),
            options.symmetric());
      case INT8_STATIC:
        return new Int8Static(options, backend, threads);
      case LOW_RANK:
        return new LowRank(options);
      case WEIGHT_SHARING:
        return new WeightSharing(options);
      case PRUNE:
        return options.structured()
            ? new StructuredPruning(options.sparsity())
            : new MagnitudePruning(options.sparsity());
      default:
        throw new UnsupportedOperationException(options.method() + " is not implemented yet");
    }
  }
}
