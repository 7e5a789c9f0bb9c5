package dev.serval.jobs.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A chart axis with "nice" ticks (1, 2 or 5 times a power of ten, Heckbert's method) that cover
 * the data's range, and labels with as many decimals as the tick step needs.
 *
 * @param low the first tick, at or below the smallest value
 * @param high the last tick, at or above the largest value
 * @param step the distance between ticks
 */
public record Axis(double low, double high, double step) {
  private static final int MAX_TICKS = 50;

  /**
   * About {@code ticks} ticks over {@code [min, max]} (finite); a single value gets room either
   * side. With {@code integers} the step is at least 1, for step numbers.
   */
  public static Axis of(double min, double max, int ticks, boolean integers) {
    if (min == max) {
      double pad = integers || min == 0 ? 1 : Math.abs(min) * 0.1;
      return of(min - pad, max + pad, ticks, integers);
    }
    double step = nice(nice(max - min, false) / (ticks - 1), true);
    if (integers) {
      step = Math.max(1, step);
    }
    return new Axis(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
  }

  private static double nice(double x, boolean round) {
    double power = Math.pow(10, Math.floor(Math.log10(x)));
    double fraction = x / power;
    double nice;
    if (round) {
      nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
    } else {
      nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
    }
    return nice * power;
  }

  /** The tick values from {@link #low} to {@link #high}. */
  public List<Double> ticks() {
    List<Double> ticks = new ArrayList<>();
    for (int i = 0; i < MAX_TICKS && low + i * step <= high + step * 1e-9; i++) {
      double tick = low + i * step;
      ticks.add(Math.abs(tick) < step * 1e-9 ? 0.0 : tick);
    }
    return ticks;
  }

  /** Where {@code value} lies between {@link #low} (0) and {@link #high} (1). */
  public double fraction(double value) {
    return (value - low) / (high - low);
  }

  /** The tick's label: 0.25, 1, 1.5e+06, with the decimals the step needs. */
  public String label(double value) {
    double magnitude = Math.max(Math.abs(low), Math.abs(high));
    if (magnitude >= 1e6 || step < 1e-4) {
      return String.format(Locale.ROOT, "%.3g", value);
    }
    int decimals = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
