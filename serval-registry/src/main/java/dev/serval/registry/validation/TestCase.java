package dev.serval.registry.validation;

import dev.serval.core.Tensor;
import java.util.Map;
import java.util.Objects;

/**
 * A user's check of a model: given these inputs, each expected output must match the model's
 * elementwise. Floating-point elements match when {@code |actual - expected| <= absTolerance +
 * relTolerance * |expected|}; all other elements must be equal.
 *
 * @param inputs by input name; the tensors' names are not used
 * @param expected by output name; outputs not named here are not checked
 */
public record TestCase(String name, Map<String, Tensor> inputs, Map<String, Tensor> expected,
    double absTolerance, double relTolerance) {
  public TestCase {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    inputs = Map.copyOf(inputs);
    expected = Map.copyOf(expected);
    if (expected.isEmpty()) {
      throw new IllegalArgumentException("test case '" + name + "' expects no outputs");
    }
    requireTolerance("absTolerance", absTolerance);
    requireTolerance("relTolerance", relTolerance);
  }

  private static void requireTolerance(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be finite and >= 0 but was " + value);
    }
  }
}
