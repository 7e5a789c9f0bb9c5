package dev.serval.tune;

/**
 * Thrown by an objective when {@link Trial#shouldPrune()} says so; {@link Study#optimize} then
 * records the trial as PRUNED rather than FAIL.
 */
public class TrialPrunedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrialPrunedException(String message) {
    super(message);
  }
}
