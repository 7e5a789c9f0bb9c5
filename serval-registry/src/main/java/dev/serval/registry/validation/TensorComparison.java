package dev.serval.registry.validation;

import dev.serval.core.DataType;
import dev.serval.core.Tensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;

/** Compares a model's output with a test case's expected tensor. */
final class TensorComparison {
  /** How many differing elements a mismatch names; the rest are only counted. */
  static final int SHOWN_MISMATCHES = 3;

  private TensorComparison() {}

  /**
   * Whether a floating-point element matches. An infinity matches only itself (a relative
   * tolerance of an infinity would accept anything), and NaN matches nothing.
   */
  static boolean close(double actual, double expected, double absTolerance, double relTolerance) {
    if (Double.isInfinite(actual) || Double.isInfinite(expected)) {
      return actual == expected;
    }
    return Math.abs(actual - expected) <= absTolerance + relTolerance * Math.abs(expected);
  }

  /** Empty when {@code actual} matches {@code expected}; otherwise what differs. */
  static Optional<String> mismatch(
      Tensor expected, Tensor actual, double absTolerance, double relTolerance) {
    if (actual.datatype() != expected.datatype()) {
      return Optional.of("expected datatype " + expected.datatype() + " but the model returned "
          + actual.datatype());
    }
    if (!actual.shape().equals(expected.shape())) {
      return Optional.of("expected shape " + expected.shape() + " but the model returned "
          + actual.shape());
    }
    IntPredicate matches = matcher(expected, actual, absTolerance, relTolerance);
    int count = Math.toIntExact(expected.shape().elementCount());
    List<String> shown = new ArrayList<>();
    int mismatches = 0;
    for (int i = 0; i < count; i++) {
      if (!matches.test(i)) {
        mismatches++;
        if (shown.size() < SHOWN_MISMATCHES) {
          shown.add("at " + Elements.position(expected.shape(), i) + " expected "
              + Elements.format(expected, i) + " but got " + Elements.format(actual, i));
        }
      }
    }
    if (mismatches == 0) {
      return Optional.empty();
    }
    String tolerance = Elements.isReal(expected.datatype())
        ? " beyond tolerance (abs " + absTolerance + ", rel " + relTolerance + ")"
        : "";
    return Optional.of(mismatches + " of " + count + " elements differ" + tolerance + ": "
        + String.join("; ", shown));
  }

  private static IntPredicate matcher(
      Tensor expected, Tensor actual, double absTolerance, double relTolerance) {
    DataType type = expected.datatype();
    if (type == DataType.BYTES) {
      byte[][] want = expected.strings();
      byte[][] got = actual.strings();
      return i -> Arrays.equals(want[i], got[i]);
    }
    ByteBuffer want = expected.data();
    ByteBuffer got = actual.data();
    if (Elements.isReal(type)) {
      return i -> close(Elements.real(got, type, i), Elements.real(want, type, i),
          absTolerance, relTolerance);
    }
    return i -> Elements.integer(got, type, i) == Elements.integer(want, type, i);
  }
}
