package dev.serval.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Fp16FromFloatTest {
  @Test
  void roundTripsEveryHalfThatIsNotNaN() {
    for (int bits = 0; bits <= 0xFFFF; bits++) {
      short half = (short) bits;
      float value = Fp16.toFloat(half);
      if (!Float.isNaN(value)) {
        assertThat(Fp16.fromFloat(value)).as("bits %04x", bits).isEqualTo(half);
      }
    }
  }

  @Test
  void convertsKnownValues() {
    assertThat(Fp16.fromFloat(1f)).isEqualTo((short) 0x3C00);
    assertThat(Fp16.fromFloat(-2f)).isEqualTo((short) 0xC000);
    assertThat(Fp16.fromFloat(65504f)).isEqualTo((short) 0x7BFF);
    assertThat(Fp16.fromFloat(0x1p-24f)).isEqualTo((short) 0x0001);
    assertThat(Fp16.toFloat((short) 0x3555)).isEqualTo(0.33325195f);
  }

  @Test
  void roundsToNearestWithTiesToEven() {
    assertThat(Fp16.fromFloat(1 + 0x1p-11f)).isEqualTo((short) 0x3C00);
    assertThat(Fp16.fromFloat(1 + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
    assertThat(Fp16.fromFloat(1 + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3C01);
    assertThat(Fp16.fromFloat(0x1p-25f)).isEqualTo((short) 0);
    assertThat(Fp16.fromFloat(3 * 0x1p-25f)).isEqualTo((short) 0x0002);
  }

  @Test
  void overflowsToInfinityAndKeepsNaN() {
    assertThat(Fp16.fromFloat(65520f)).isEqualTo((short) 0x7C00);
    assertThat(Fp16.fromFloat(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFC00);
    assertThat(Fp16.toFloat(Fp16.fromFloat(Float.NaN))).isNaN();
    assertThat(Fp16.isFinite((short) 0x7BFF)).isTrue();
    assertThat(Fp16.isFinite((short) 0x7C00)).isFalse();
    assertThat(Fp16.isFinite(Fp16.fromFloat(Float.NaN))).isFalse();
  }
}
