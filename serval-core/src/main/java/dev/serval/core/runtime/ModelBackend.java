package dev.serval.core.runtime;

import java.nio.file.Path;

/**
 * A runtime for one model format (ONNX, PMML, ...). Implementations are stateless factories; the
 * serving layer picks the backend whose {@link #artifactFileName()} is present in a version folder.
 */
public interface ModelBackend {
  /** The protocol's platform name, e.g. {@code onnxruntime_onnx}. */
  String platform();

  /** The artifact's file name inside a version folder, e.g. {@code model.onnx}. */
  String artifactFileName();

  /**
   * Loads an artifact. The caller closes the result.
   *
   * @throws dev.serval.core.ModelLoadException when the file cannot be parsed or loaded
   */
  LoadedModel load(Path artifact, RuntimeOptions options);
}
