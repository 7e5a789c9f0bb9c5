package dev.serval.registry.validation;

import dev.serval.core.Signature;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of validating one model version: every step in order, and the signature when the
 * model loaded.
 */
public record ValidationReport(List<StepResult> steps, Optional<Signature> signature) {
  public ValidationReport {
    steps = List.copyOf(steps);
    Objects.requireNonNull(signature, "signature");
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("steps must not be empty");
    }
  }

  /** Whether every step passed, so the version may become READY. */
  public boolean passed() {
    return steps.stream().allMatch(StepResult::passed);
  }

  /** The first step that failed. */
  public Optional<StepResult> failedStep() {
    return steps.stream().filter(s -> s.status() == StepResult.Status.FAILED).findFirst();
  }

  /** Why the version is FAILED, e.g. {@code "smoke: output 'y' has NaN at [0]"}. */
  public Optional<String> failureReason() {
    return failedStep().map(s -> s.step().id() + ": " + s.reason());
  }
}
