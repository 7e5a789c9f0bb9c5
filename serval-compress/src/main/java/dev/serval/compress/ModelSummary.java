package dev.serval.compress;

import java.util.List;

/**
 * Size and speed of one model file.
 *
 * @param fileBytes the size of the .onnx file
 * @param parameters elements of all initializers, of any type
 * @param throughput measured speed per batch size (empty when not measured)
 */
public record ModelSummary(long fileBytes, long parameters, List<Throughput> throughput) {
  public ModelSummary {
    throughput = List.copyOf(throughput);
  }
}
