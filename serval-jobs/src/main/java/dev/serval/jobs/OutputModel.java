package dev.serval.jobs;

import dev.serval.core.InvalidInputException;
import dev.serval.jobs.internal.Checks;

/**
 * A model file the job writes, pushed to the registry as a new version of {@code model} when the
 * job succeeds.
 *
 * @param model registry model name
 * @param path file relative to the job's work directory, or under {@code {output_dir}}; may use
 *     {@code {param}} placeholders
 */
public record OutputModel(String model, String path) {
  public OutputModel {
    Checks.modelName("output model name", model);
    Checks.declaredPath("output model path", path);
  }

  /** {@code NAME=PATH}, as the command line writes it. */
  public static OutputModel parse(String text) {
    int eq = text == null ? -1 : text.indexOf('=');
    if (eq < 1 || eq == text.length() - 1) {
      throw new InvalidInputException(
          "an output model must be NAME=PATH, e.g. digits={output_dir}/model.onnx, but was '"
              + text + "'");
    }
    return new OutputModel(text.substring(0, eq), text.substring(eq + 1));
  }
}
