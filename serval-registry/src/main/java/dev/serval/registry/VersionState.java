package dev.serval.registry;

/** Lifecycle of a version: nothing serves unless it reached READY through validation. */
public enum VersionState {
  PENDING,
  VALIDATING,
  READY,
  FAILED;

  /** The only legal moves: PENDING → VALIDATING → READY or FAILED. */
  public boolean canMoveTo(VersionState next) {
    return switch (this) {
      case PENDING -> next == VALIDATING;
      case VALIDATING -> next == READY || next == FAILED;
      case READY, FAILED -> false;
    };
  }
}
