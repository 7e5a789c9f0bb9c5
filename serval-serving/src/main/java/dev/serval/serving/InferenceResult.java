package dev.serval.serving;

import dev.serval.core.Tensor;
import java.util.List;

/**
 * The outputs of one request.
 *
 * @param model model name
 * @param version the version that actually answered
 * @param id the request's id, or null
 * @param outputs output tensors in signature order
 */
public record InferenceResult(String model, String version, String id, List<Tensor> outputs) {
  public InferenceResult {
    outputs = List.copyOf(outputs);
  }
}
