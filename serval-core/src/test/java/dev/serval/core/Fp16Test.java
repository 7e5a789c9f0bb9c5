package dev.serval.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Fp16Test {
  @Test
  void roundTripsEveryFiniteAndInfiniteHalf() {
    for (int bits = 0; bits <= 0xffff; bits++) {
      short half = (short) bits;
      if (isNaN(half)) {
        continue;
      }
      assertThat(Fp16.fromDouble(Fp16.toFloat(half)))
          .as("half 0x%04x", bits)
          .isEqualTo(half);
    }
  }

  @Test
  void roundsHalfwayValuesToEven() {
    for (int bits = 0; bits < 0x7bff; bits++) {
      double low = Fp16.toFloat((short) bits);
      double high = Fp16.toFloat((short) (bits + 1));
      double midpoint = (low + high) / 2;
      short even = (short) ((bits & 1) == 0 ? bits : bits + 1);
      assertThat(Fp16.fromDouble(midpoint)).as("midpoint above 0x%04x", bits).isEqualTo(even);
      assertThat(Fp16.fromDouble(Math.nextDown(midpoint))).isEqualTo((short) bits);
      assertThat(Fp16.fromDouble(Math.nextUp(midpoint))).isEqualTo((short) (bits + 1));
      assertThat(Fp16.fromDouble(-midpoint)).isEqualTo((short) (even | 0x8000));
    }
  }

  @Test
  void convertsKnownValues() {
    assertThat(Fp16.fromDouble(1.0)).isEqualTo((short) 0x3c00);
    assertThat(Fp16.fromDouble(-2.0)).isEqualTo((short) 0xc000);
    assertThat(Fp16.fromDouble(0.1)).isEqualTo((short) 0x2e66);
    assertThat(Fp16.fromDouble(65504)).isEqualTo((short) 0x7bff);
    assertThat(Fp16.fromDouble(0x1p-24)).isEqualTo((short) 0x0001);
    assertThat(Fp16.fromDouble(0x1p-14)).isEqualTo((short) 0x0400);
    assertThat(Fp16.fromDouble(-0.0)).isEqualTo((short) 0x8000);
  }

  @Test
  void overflowsToInfinityOnlyFromHalfwayAboveTheLargestHalf() {
    assertThat(Fp16.isInfinite(Fp16.fromDouble(65519.99))).isFalse();
    assertThat(Fp16.fromDouble(65520)).isEqualTo(Fp16.POSITIVE_INFINITY);
    assertThat(Fp16.fromDouble(-1e300)).isEqualTo((short) 0xfc00);
    assertThat(Fp16.fromDouble(Double.POSITIVE_INFINITY)).isEqualTo(Fp16.POSITIVE_INFINITY);
  }

  @Test
  void underflowsToSignedZeroBelowHalfTheSmallestSubnormal() {
    assertThat(Fp16.fromDouble(0x1p-25)).isEqualTo((short) 0);
    assertThat(Fp16.fromDouble(Math.nextUp(0x1p-25))).isEqualTo((short) 1);
    assertThat(Fp16.fromDouble(-0x1p-30)).isEqualTo((short) 0x8000);
    assertThat(Fp16.fromDouble(Double.MIN_VALUE)).isEqualTo((short) 0);
  }

  @Test
  void keepsNaN() {
    assertThat(isNaN(Fp16.fromDouble(Double.NaN))).isTrue();
    assertThat(Float.isNaN(Fp16.toFloat((short) 0x7e00))).isTrue();
  }

  private static boolean isNaN(short half) {
    return (half & 0x7c00) == 0x7c00 && (half & 0x3ff) != 0;
  }
}
