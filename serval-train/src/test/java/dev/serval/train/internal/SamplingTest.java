package dev.serval.train.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SamplingTest {
  private static final int DRAWS = 40_000;

  @ParameterizedTest
  @ValueSource(doubles = {0.2, 1, 4})
  void symmetricBetaHasTheBetaMeanAndVariance(double a) {
    SplittableRandom random = new SplittableRandom(5);
    double[] draws = new double[DRAWS];
    for (int i = 0; i < DRAWS; i++) {
      draws[i] = Sampling.symmetricBeta(a, random);
    }

    double mean = Arrays.stream(draws).average().orElseThrow();
    double variance = Arrays.stream(draws).map(x -> (x - mean) * (x - mean)).sum() / DRAWS;
    assertThat(Arrays.stream(draws).allMatch(x -> x >= 0 && x <= 1)).isTrue();
    assertThat(mean).isCloseTo(0.5, within(0.01));
    assertThat(variance).isCloseTo(1 / (4 * (2 * a + 1)), within(0.005));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 100})
  void permutationsHoldEveryIndexOnce(int n) {
    int[] order = Sampling.permutation(n, new SplittableRandom(n));

    Arrays.sort(order);
    for (int i = 0; i < n; i++) {
      assertThat(order[i]).isEqualTo(i);
    }
  }
}
