package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SparklineTest {
  private static final String LEVELS = "01234567";

  @Test
  void heightFollowsTheValuesFromLowestToHighest() {
    assertThat(Sparkline.of(new double[] {8, 4, 2, 2, 9}, 24, LEVELS)).isEqualTo("62007");
  }

  @Test
  void longSeriesAreAveragedIntoTheWidth() {
    double[] rising = new double[100];
    for (int i = 0; i < rising.length; i++) {
      rising[i] = i;
    }

    assertThat(Sparkline.of(rising, 8, LEVELS)).isEqualTo("01234567");
  }

  @Test
  void constantSeriesIsAMiddleLineAndValuesThatAreNotFiniteAreLeftOut() {
    assertThat(Sparkline.of(new double[] {3, 3, 3}, 24, LEVELS)).isEqualTo("333");
    assertThat(Sparkline.of(new double[] {1, Double.NaN, 2, Double.POSITIVE_INFINITY}, 24,
        LEVELS)).isEqualTo("07");
    assertThat(Sparkline.of(new double[] {Double.NaN}, 24, LEVELS)).isEmpty();
  }
}
