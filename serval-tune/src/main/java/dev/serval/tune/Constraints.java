package dev.serval.tune;

/**
 * Constraints on a complete trial, as Optuna defines them: one value per constraint, the trial
 * is feasible when every value is at most 0, and a larger positive value is a larger violation.
 */
@FunctionalInterface
public interface Constraints {
  /** The constraint values of {@code trial}, which has its parameters and objective values. */
  double[] evaluate(FrozenTrial trial);
}
