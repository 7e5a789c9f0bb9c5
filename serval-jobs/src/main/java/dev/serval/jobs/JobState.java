package dev.serval.jobs;

/**
 * Where a job is: QUEUED → RUNNING → one of the final states. A failed or timed-out attempt with
 * retries left, or one whose worker was lost, goes back to QUEUED.
 */
public enum JobState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  TIMED_OUT;

  public boolean isFinished() {
    return this != QUEUED && this != RUNNING;
  }
}
