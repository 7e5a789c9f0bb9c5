package dev.serval.registry.validation;

import java.util.Objects;

/**
 * The outcome of one validation step.
 *
 * @param reason why the step failed or was skipped; for a passed step a short note or empty
 * @param durationNanos time the step took; zero when skipped
 */
public record StepResult(ValidationStep step, Status status, String reason, long durationNanos) {
  /** Whether a step ran and passed, ran and failed, or did not run after an earlier failure. */
  public enum Status {
    PASSED,
    FAILED,
    SKIPPED
  }

  public StepResult {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    if (durationNanos < 0) {
      throw new IllegalArgumentException("durationNanos must be >= 0 but was " + durationNanos);
    }
  }

  public boolean passed() {
    return status == Status.PASSED;
  }
}
