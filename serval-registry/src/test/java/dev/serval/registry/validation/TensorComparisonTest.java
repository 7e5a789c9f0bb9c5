package dev.serval.registry.validation;

import static dev.serval.registry.validation.TestTensors.floats;
import static dev.serval.registry.validation.TestTensors.longs;
import static dev.serval.registry.validation.TestTensors.shape;
import static dev.serval.registry.validation.TensorComparison.close;
import static dev.serval.registry.validation.TensorComparison.mismatch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class TensorComparisonTest {
  private static final int SAMPLES = 2_000;

  /** Tolerances wide enough that rounding in {@code e + d} stays far below them. */
  private record Sample(double expected, double abs, double rel) {
    static Sample draw(SplittableRandom random) {
      double magnitude = Math.pow(10, random.nextDouble(-3, 6));
      return new Sample(random.nextBoolean() ? magnitude : -magnitude,
          random.nextBoolean() ? 0 : random.nextDouble(0, 1),
          Math.pow(10, random.nextDouble(-6, -1)));
    }

    double bound() {
      return abs + rel * Math.abs(expected);
    }
  }

  @RepeatedTest(5)
  void acceptsEveryValueWithinTheToleranceBound(RepetitionInfo repetition) {
    SplittableRandom random = new SplittableRandom(repetition.getCurrentRepetition());
    for (int i = 0; i < SAMPLES; i++) {
      Sample s = Sample.draw(random);
      double actual = s.expected() + random.nextDouble(-0.9, 0.9) * s.bound();
      assertThat(close(actual, s.expected(), s.abs(), s.rel())).as("%s, actual %s", s, actual)
          .isTrue();
    }
  }

  @RepeatedTest(5)
  void rejectsEveryValueBeyondTheToleranceBound(RepetitionInfo repetition) {
    SplittableRandom random = new SplittableRandom(100 + repetition.getCurrentRepetition());
    for (int i = 0; i < SAMPLES; i++) {
      Sample s = Sample.draw(random);
      double offset = random.nextDouble(1.1, 10) * s.bound();
      double actual = s.expected() + (random.nextBoolean() ? offset : -offset);
      assertThat(close(actual, s.expected(), s.abs(), s.rel())).as("%s, actual %s", s, actual)
          .isFalse();
    }
  }

  @RepeatedTest(5)
  void neverRejectsAValueThatALooserToleranceWouldAccept(RepetitionInfo repetition) {
    SplittableRandom random = new SplittableRandom(200 + repetition.getCurrentRepetition());
    for (int i = 0; i < SAMPLES; i++) {
      double expected = random.nextDouble(-10, 10);
      double actual = expected + random.nextDouble(-1, 1);
      double abs = random.nextDouble(0, 0.5);
      double rel = random.nextDouble(0, 0.05);
      if (close(actual, expected, abs, rel)) {
        assertThat(close(actual, expected, abs + random.nextDouble(0, 1),
            rel + random.nextDouble(0, 1))).isTrue();
      }
    }
  }

  @Test
  void acceptsOnlyEqualValuesWithoutTolerance() {
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < SAMPLES; i++) {
      double expected = random.nextDouble(-1e3, 1e3);
      assertThat(close(expected, expected, 0, 0)).isTrue();
      assertThat(close(Math.nextUp(expected), expected, 0, 0)).isFalse();
    }
  }

  @Test
  void matchesEqualInfinitiesButNeverNaN() {
    assertThat(close(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0, 0)).isTrue();
    assertThat(close(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1, 1)).isFalse();
    assertThat(close(1e308, Double.POSITIVE_INFINITY, 1, 1)).isFalse();
    assertThat(close(Double.POSITIVE_INFINITY, 1e308, 1, 1)).isFalse();
    assertThat(close(Double.NaN, Double.NaN, 1, 1)).isFalse();
    assertThat(close(Double.NaN, 0, 1, 1)).isFalse();
  }

  @Test
  void describesTheFirstMismatchesByPositionAndCountsTheRest() {
    Tensor expected = floats("y", shape(2, 3), 0, 1, 2, 3, 4, 5);
    Tensor actual = floats("y", shape(2, 3), 0, 9, 9, 9, 9, 5);

    assertThat(mismatch(expected, actual, 0.5, 0)).contains("4 of 6 elements differ beyond "
        + "tolerance (abs 0.5, rel 0.0): at [0, 1] expected 1.0 but got 9.0; at [0, 2] expected "
        + "2.0 but got 9.0; at [1, 0] expected 3.0 but got 9.0");
    assertThat(mismatch(expected, actual, 8, 0)).isEmpty();
  }

  @Test
  void comparesIntegersExactlyWhateverTheTolerance() {
    Tensor expected = longs("y", shape(2), 1, Long.MAX_VALUE);

    assertThat(mismatch(expected, longs("y", shape(2), 1, Long.MAX_VALUE - 1), 10, 10))
        .contains("1 of 2 elements differ: at [1] expected 9223372036854775807 but got "
            + "9223372036854775806");
    assertThat(mismatch(expected, longs("y", shape(2), 1, Long.MAX_VALUE), 0, 0)).isEmpty();
  }

  @Test
  void comparesStringsExactly() {
    Tensor expected = strings("cat", "dog");

    assertThat(mismatch(expected, strings("cat", "dog"), 1, 1)).isEmpty();
    assertThat(mismatch(expected, strings("cat", "Dog"), 1, 1))
        .contains("1 of 2 elements differ: at [1] expected \"dog\" but got \"Dog\"");
  }

  @Test
  void reportsADifferentShapeOrDatatypeBeforeAnyElement() {
    Tensor expected = floats("y", shape(1, 2), 1, 2);

    assertThat(mismatch(expected, floats("y", shape(2, 1), 1, 2), 0, 0))
        .contains("expected shape [1, 2] but the model returned [2, 1]");
    assertThat(mismatch(expected, longs("y", shape(1, 2), 1, 2), 0, 0))
        .contains("expected datatype FP32 but the model returned INT64");
  }

  private static Tensor strings(String... values) {
    byte[][] bytes = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = values[i].getBytes(StandardCharsets.UTF_8);
    }
    return Tensor.ofStrings("s", Shape.of(values.length), bytes);
  }
}
