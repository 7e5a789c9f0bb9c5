package dev.serval.compress;

import java.util.Arrays;
import java.util.Locale;

/** A compression method, named on the command line as {@link #cliName()}. */
public enum Method {
  /** Int8 weights; activations quantized at run time. */
  INT8_DYNAMIC,
  /** QuantizeLinear/DequantizeLinear pairs with activation ranges from calibration data. */
  INT8_STATIC,
  /** Int8 or 4-bit blockwise weights, activations stay float. */
  WEIGHT_ONLY,
  /** Magnitude pruning, or structured pruning that removes neurons and channels. */
  PRUNE,
  /** SVD factorization of dense weights into two smaller matrices. */
  LOW_RANK,
  /** K-means clustering of weights into a codebook and indices. */
  WEIGHT_SHARING;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The method named {@code name} ({@code int8-dynamic}, {@code prune} ...). */
  public static Method fromName(String name) {
    return Arrays.stream(values())
        .filter(m -> m.cliName().equalsIgnoreCase(name) || m.name().equalsIgnoreCase(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("method must be one of "
            + Arrays.stream(values()).map(Method::cliName).toList() + " but was '" + name + "'"));
  }

  @Override
  public String toString() {
    return cliName();
  }
}
