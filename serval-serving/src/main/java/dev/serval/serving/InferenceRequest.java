package dev.serval.serving;

import dev.serval.core.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One decoded inference request.
 *
 * @param model model name
 * @param version version, or null for the default version
 * @param id the client's request id, echoed back; may be null
 * @param inputs input tensors by name, in request order
 * @param outputs names of requested outputs; empty means all
 * @param parameters request parameters as decoded from the protocol (strings, numbers, booleans)
 * @param timeout how long the request may wait before compute; null means the model's default
 */
public record InferenceRequest(
    String model,
    String version,
    String id,
    List<Tensor> inputs,
    Set<String> outputs,
    Map<String, Object> parameters,
    Duration timeout) {
  public InferenceRequest {
    Objects.requireNonNull(model, "model");
    inputs = List.copyOf(inputs);
    outputs = Set.copyOf(outputs);
    parameters = Map.copyOf(parameters);
  }
}
