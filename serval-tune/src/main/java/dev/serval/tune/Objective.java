package dev.serval.tune;

/** The function a study optimizes: reads the trial's parameters and returns its value. */
@FunctionalInterface
public interface Objective {
  /**
   * Evaluates one trial. Any exception fails that trial only; {@link TrialPrunedException}
   * prunes it.
   */
  double evaluate(Trial trial) throws Exception;
}
