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
 * @param lineage a JSON file the job writes beside the model, saying where the model came from
 *     ({@code parent_model}, {@code parent_version}, {@code transform}, {@code settings}), or
 *     null when the job itself is the whole story; same path rules as {@code path}
 */
public record OutputModel(String model, String path, String lineage) {
  public OutputModel {
    Checks.modelName("output model name", model);
    Checks.declaredPath("output model path", path);
    if (lineage != null) {
      Checks.declaredPath("output model lineage path", lineage);
    }
  }

  /** A model file without a lineage file. */
  public OutputModel(String model, String path) {
    this(model, path, null);
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
