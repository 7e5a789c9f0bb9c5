package dev.serval.runtime.onnx.internal;

import ai.onnxruntime.OrtException;
import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelLoadException;
import dev.serval.core.ServalException;
import java.util.regex.Pattern;

/** Turns ONNX Runtime errors into Serval's domain exceptions with readable messages. */
public final class OrtErrors {
  private static final Pattern CODE_PREFIX = Pattern.compile("^Error code - \\w+ - message: ");
  private static final Pattern LINE_BREAKS = Pattern.compile("\\s*\\R\\s*");

  private OrtErrors() {}

  /** The runtime's message on one line, without its error code prefix. */
  public static String message(OrtException e) {
    String message = e.getMessage() == null ? e.getCode().name() : e.getMessage();
    return LINE_BREAKS.matcher(CODE_PREFIX.matcher(message).replaceFirst("").strip())
        .replaceAll(" ");
  }

  /**
   * An error from running a model, worded without the model's identity, which the caller adds
   * (a model's file path must not reach clients). Invalid arguments (such as a shape the graph
   * does not take) and operator failures (such as dimensions that cannot be broadcast, or an index
   * out of range) are blamed on the inputs: the model has loaded and the inputs matched its
   * signature, so what fails now depends on the data. Anything else is a failure of the runtime.
   */
  public static ServalException fromRun(OrtException e) {
    switch (e.getCode()) {
      case ORT_INVALID_ARGUMENT:
      case ORT_FAIL:
        return new InvalidInputException("cannot compute these inputs: " + message(e), e);
      default:
        return new ModelLoadException("ONNX Runtime failed: " + message(e), e);
    }
  }
}
