package dev.serval.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AxisTest {
  @Test
  void coversTheRangeWithTicksOfOneTwoOrFiveTimesAPowerOfTen() {
    Axis loss = Axis.of(0.0213, 2.31, 5, false);
    Axis halves = Axis.of(0.2, 1.9, 5, false);
    Axis accuracy = Axis.of(0.912, 0.987, 5, false);

    assertThat(loss.ticks()).containsExactly(0.0, 1.0, 2.0, 3.0);
    assertThat(loss.ticks()).extracting(loss::label).containsExactly("0", "1", "2", "3");
    assertThat(halves.ticks()).extracting(halves::label)
        .containsExactly("0.0", "0.5", "1.0", "1.5", "2.0");
    assertThat(accuracy.ticks()).extracting(accuracy::label)
        .containsExactly("0.90", "0.92", "0.94", "0.96", "0.98", "1.00");
  }

  @Test
  void stepAxesTickWholeNumbers() {
    Axis steps = Axis.of(1, 7, 8, true);
    Axis thousand = Axis.of(0, 1000, 8, true);

    assertThat(steps.step()).isEqualTo(1);
    assertThat(steps.ticks()).extracting(steps::label)
        .containsExactly("1", "2", "3", "4", "5", "6", "7");
    assertThat(thousand.ticks()).extracting(thousand::label).containsExactly("0", "100", "200",
        "300", "400", "500", "600", "700", "800", "900", "1000");
  }

  @Test
  void singleValueGetsRoomEitherSide() {
    Axis constant = Axis.of(0.5, 0.5, 5, false);
    Axis zero = Axis.of(0, 0, 5, false);
    Axis oneStep = Axis.of(3, 3, 8, true);

    assertThat(constant.low()).isLessThan(0.5);
    assertThat(constant.high()).isGreaterThan(0.5);
    assertThat(constant.fraction(0.5)).isCloseTo(0.5, within(1e-9));
    assertThat(zero.ticks()).contains(-1.0, 0.0, 1.0);
    assertThat(oneStep.ticks()).containsExactly(2.0, 3.0, 4.0);
  }

  @Test
  void hugeAndTinyRangesUseExponents() {
    assertThat(Axis.of(0, 3e6, 5, false).label(1e6)).isEqualTo("1.00e+06");
    assertThat(Axis.of(1e-6, 3e-6, 5, false).label(2e-6)).isEqualTo("2.00e-06");
    assertThat(Axis.of(-2.5, 0, 5, false).ticks()).first().isEqualTo(-3.0);
  }
}
