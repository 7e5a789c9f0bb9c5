package dev.serval.async;

/** Where an asynchronous request is in its life. */
public enum AsyncState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED;

  public boolean isFinished() {
    return this == SUCCEEDED || this == FAILED;
  }
}
