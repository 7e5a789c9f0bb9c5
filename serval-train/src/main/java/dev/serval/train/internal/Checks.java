package dev.serval.train.internal;

import dev.serval.core.InvalidInputException;

/** Argument checks of the training API; each failure names the argument and its value. */
public final class Checks {
  private Checks() {}

  public static void require(boolean ok, String message) {
    if (!ok) {
      throw new InvalidInputException(message);
    }
  }

  public static int positive(String what, int value) {
    require(value > 0, what + " must be > 0 but was " + value);
    return value;
  }

  public static double positive(String what, double value) {
    require(value > 0 && Double.isFinite(value), what + " must be a finite number > 0 but was "
        + value);
    return value;
  }

  public static double nonNegative(String what, double value) {
    require(value >= 0 && Double.isFinite(value), what + " must be a finite number >= 0 but was "
        + value);
    return value;
  }

  /** A value in [0, 1), e.g. a dropout rate. */
  public static double fraction(String what, double value) {
    require(value >= 0 && value < 1, what + " must be in [0, 1) but was " + value);
    return value;
  }
}
