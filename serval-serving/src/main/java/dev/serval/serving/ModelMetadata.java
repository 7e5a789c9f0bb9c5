package dev.serval.serving;

import dev.serval.core.Signature;
import java.util.List;

/**
 * A model's metadata as the protocol reports it.
 *
 * @param name model name
 * @param versions available versions, ascending
 * @param platform runtime platform, e.g. {@code onnxruntime_onnx}
 * @param signature inputs and outputs; dynamic dimensions are -1
 */
public record ModelMetadata(
    String name, List<String> versions, String platform, Signature signature) {
  public ModelMetadata {
    versions = List.copyOf(versions);
  }
}
