package dev.serval.tune;

/** The life cycle of a trial: RUNNING until told, then one of the three final states. */
public enum TrialState {
  RUNNING,
  COMPLETE,
  PRUNED,
  FAIL;

  public boolean isFinished() {
    return this != RUNNING;
  }
}
