package dev.serval.tune;

/** Whether a study looks for the smallest or the largest objective value. */
public enum Direction {
  MINIMIZE,
  MAXIMIZE;

  /** Whether {@code a} is strictly better than {@code b} in this direction. */
  public boolean isBetter(double a, double b) {
    return this == MINIMIZE ? a < b : a > b;
  }

  /** The value as a loss: smaller is better in both directions. */
  public double asLoss(double value) {
    return this == MINIMIZE ? value : -value;
  }
}
