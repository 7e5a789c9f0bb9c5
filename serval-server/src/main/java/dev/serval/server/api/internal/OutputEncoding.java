package dev.serval.server.api.internal;

import java.util.Map;

/**
 * Which outputs a response carries as binary data: those whose {@code binary_data} parameter is
 * true, and, where an output does not say, all of them when the request's
 * {@code binary_data_output} parameter is true.
 *
 * @param binaryByDefault the request's {@code binary_data_output}
 * @param perOutput each requested output's {@code binary_data}, where given
 */
record OutputEncoding(boolean binaryByDefault, Map<String, Boolean> perOutput) {
  static final OutputEncoding JSON = new OutputEncoding(false, Map.of());

  public OutputEncoding {
    perOutput = Map.copyOf(perOutput);
  }

  public boolean isBinary(String output) {
    return perOutput.getOrDefault(output, binaryByDefault);
  }
}
