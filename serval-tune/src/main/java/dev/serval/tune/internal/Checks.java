package dev.serval.tune.internal;

import dev.serval.core.InvalidInputException;

/** Argument checks shared by the tune API; each failure names the argument and its value. */
public final class Checks {
  private Checks() {}

  public static String name(String what, String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException(what + " name must not be blank, got '" + name + "'");
    }
    return name;
  }

  public static void require(boolean ok, String message) {
    if (!ok) {
      throw new InvalidInputException(message);
    }
  }

  public static int positive(String what, int value) {
    require(value > 0, what + " must be positive, got " + value);
    return value;
  }

  public static int nonNegative(String what, int value) {
    require(value >= 0, what + " must not be negative, got " + value);
    return value;
  }

  /** Whether {@code (high - low) / step} is a whole number, up to floating-point rounding. */
  public static boolean divides(double low, double high, double step) {
    double steps = (high - low) / step;
    return Math.abs(steps - Math.rint(steps)) <= 1e-9 * Math.max(1, steps);
  }
}
