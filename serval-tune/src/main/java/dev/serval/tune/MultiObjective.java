package dev.serval.tune;

/** The functions a multi-objective study optimizes: one value per direction of the study. */
@FunctionalInterface
public interface MultiObjective {
  /**
   * Evaluates one trial. Any exception fails that trial only; {@link TrialPrunedException}
   * prunes it.
   */
  double[] evaluate(Trial trial) throws Exception;
}
