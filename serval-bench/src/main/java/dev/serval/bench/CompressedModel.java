package dev.serval.bench;

/**
 * One compressed model measured against its float32 original.
 *
 * @param model what the original is, e.g. "digits MLP 64-128-10"
 * @param method the compression, e.g. "int8-dynamic"
 * @param originalBytes the float32 .onnx file's size
 * @param compressedBytes the compressed .onnx file's size
 * @param originalTop1 the original's top-1 accuracy on the digits test rows, in %; NaN for a
 *     model with random weights
 * @param compressedTop1 the compressed model's top-1 accuracy, in %; NaN as above
 * @param batch rows per timed run
 * @param originalMillis median time of one run of the original, interleaved with the compressed
 * @param compressedMillis median time of one run of the compressed model
 */
public record CompressedModel(String model, String method, long originalBytes,
    long compressedBytes, double originalTop1, double compressedTop1, int batch,
    double originalMillis, double compressedMillis) {

  /** The same model, sizes and scores with the two medians timed. */
  CompressedModel withMillis(double original, double compressed) {
    return new CompressedModel(model, method, originalBytes, compressedBytes, originalTop1,
        compressedTop1, batch, original, compressed);
  }

  /** Compressed file size over the original's. */
  public double sizeRatio() {
    return (double) compressedBytes / originalBytes;
  }

  /** Top-1 points lost (negative when the compressed model scored better). */
  public double top1Drop() {
    return originalTop1 - compressedTop1;
  }

  /** Rows per second of the compressed model over the original's: the ratio of medians. */
  public double speedup() {
    return originalMillis / compressedMillis;
  }
}
