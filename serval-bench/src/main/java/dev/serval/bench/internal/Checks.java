package dev.serval.bench.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.IntStream;

/** Argument checks shared by the benchmark builders, with messages naming the argument. */
public final class Checks {
  private Checks() {}

  public static int positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0 but was " + value);
    }
    return value;
  }

  /** A copy of {@code values}, which must be one or more positive numbers. */
  public static int[] positive(String name, int[] values) {
    if (values.length == 0 || IntStream.of(values).anyMatch(v -> v <= 0)) {
      throw new IllegalArgumentException(
          name + " must be one or more positive numbers but was " + Arrays.toString(values));
    }
    return values.clone();
  }

  public static Duration positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0 but was " + value);
    }
    return value;
  }

  public static Duration nonNegative(String name, Duration value) {
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
    }
    return value;
  }
}
