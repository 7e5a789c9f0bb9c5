package dev.serval.registry.validation;

/** The checks a model version goes through before it may serve, in the order they run. */
public enum ValidationStep {
  /** A backend exists for the artifact's file name and the file parses. */
  FORMAT("format"),
  /** Every operator, opset and IR version is supported by the runtime. */
  DEPENDENCIES("dependencies"),
  /** The model's inputs and outputs are read. */
  SIGNATURE("signature"),
  /** A run on generated input gives finite floating-point outputs. */
  SMOKE("smoke"),
  /** The user's test cases give their expected outputs within tolerance. */
  TEST_CASES("test-cases");

  private final String id;

  ValidationStep(String id) {
    this.id = id;
  }

  /** The name used in reports and APIs, e.g. {@code test-cases}. */
  public String id() {
    return id;
  }
}
