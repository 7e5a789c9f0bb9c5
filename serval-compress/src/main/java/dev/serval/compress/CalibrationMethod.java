package dev.serval.compress;

import java.util.Arrays;
import java.util.Locale;

/** How int8-static turns observed activations into a quantization range. */
public enum CalibrationMethod {
  /** The smallest and largest value seen. */
  MINMAX,
  /** A percentile of the absolute values, ignoring rare outliers. */
  PERCENTILE,
  /** The clipping threshold whose int8 histogram has the least KL divergence from the original. */
  ENTROPY;

  public static CalibrationMethod fromName(String name) {
    return Arrays.stream(values())
        .filter(m -> m.name().equalsIgnoreCase(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "calibration method must be minmax, percentile or entropy but was '" + name + "'"));
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
