package dev.serval.compress;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the accuracy gate scores a model on the evaluation rows. Top-1 and agreement are
 * percentages, and worsen by the points they lose; max-abs-error is in the output's units and
 * worsens by its own value (the float32 model's error is 0).
 */
public enum Metric {
  /** Rows whose largest output is at their label, in percent. */
  TOP1(true),
  /** Rows whose largest output is where the float32 model's is, in percent. */
  AGREEMENT(true),
  /** The largest |difference| of an output element from the float32 model's. */
  MAX_ABS_ERROR(false);

  private final boolean higherIsBetter;

  Metric(boolean higherIsBetter) {
    this.higherIsBetter = higherIsBetter;
  }

  /** How much worse {@code value} is than the original's {@code baseline} (negative: better). */
  public double worsening(double baseline, double value) {
    return higherIsBetter ? baseline - value : value - baseline;
  }

  /** The unit of {@link #worsening} in messages. */
  public String unit() {
    return higherIsBetter ? "points" : "";
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Metric fromName(String name) {
    return Arrays.stream(values())
        .filter(m -> m.cliName().equalsIgnoreCase(name) || m.name().equalsIgnoreCase(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("metric must be one of "
            + Arrays.stream(values()).map(Metric::cliName).toList() + " but was '" + name + "'"));
  }

  @Override
  public String toString() {
    return cliName();
  }
}
