package dev.serval.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  private static final double[] PERCENTILES = {0.1, 1, 10, 50, 90, 99, 99.9, 100};

  @Test
  void percentilesAreWithinOneBucketAboveTheExactValueForManyDistributions() {
    SplittableRandom random = new SplittableRandom(7);
    LongSupplier[] distributions = {
        () -> random.nextLong(0, 300),
        () -> random.nextLong(1_000, 5_000_000),
        () -> (long) Math.exp(random.nextDouble(0, 40)),
        () -> random.nextInt(10) == 0 ? random.nextLong(1L << 40, 1L << 50) : 20_000,
    };
    for (LongSupplier distribution : distributions) {
      for (int trial = 0; trial < 20; trial++) {
        int n = 1 + random.nextInt(5_000);
        long[] values = new long[n];
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < n; i++) {
          values[i] = distribution.getAsLong();
          histogram.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : PERCENTILES) {
          long exact = values[(int) Math.max(0, Math.ceil(p / 100 * n) - 1)];
          assertThat(histogram.percentile(p))
              .as("p%s of %d values", p, n)
              .isBetween(exact, exact + exact / 128);
        }
        assertThat(histogram.max()).isEqualTo(values[n - 1]);
        assertThat(histogram.count()).isEqualTo(n);
      }
    }
  }

  @Test
  void everyValueFallsInABucketWhoseUpperBoundIsTheFirstAtOrAboveIt() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 100_000; i++) {
      long value = random.nextLong(Long.MAX_VALUE) >>> random.nextInt(63);
      int index = LatencyHistogram.indexOf(value);
      assertThat(LatencyHistogram.upperBound(index)).isGreaterThanOrEqualTo(value);
      if (index > 0) {
        assertThat(LatencyHistogram.upperBound(index - 1)).isLessThan(value);
      }
    }
    assertThat(LatencyHistogram.upperBound(LatencyHistogram.indexOf(Long.MAX_VALUE)))
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void mergedHistogramsReportTheSameAsOneThatRecordedEverything() {
    SplittableRandom random = new SplittableRandom(3);
    LatencyHistogram all = new LatencyHistogram();
    LatencyHistogram first = new LatencyHistogram();
    LatencyHistogram second = new LatencyHistogram();
    for (int i = 0; i < 10_000; i++) {
      long value = random.nextLong(1, 10_000_000);
      all.record(value);
      (i % 3 == 0 ? first : second).record(value);
    }
    first.add(second);
    assertThat(first.summary()).isEqualTo(all.summary());
  }

  @Test
  void emptyHistogramReportsZeros() {
    LatencyHistogram histogram = new LatencyHistogram();
    assertThat(histogram.percentile(99)).isZero();
    assertThat(histogram.summary().count()).isZero();
  }

  @Test
  void rejectsNegativeValuesAndPercentilesOutsideTheRange() {
    LatencyHistogram histogram = new LatencyHistogram();
    assertThatThrownBy(() -> histogram.record(-1)).hasMessageContaining("-1");
    assertThatThrownBy(() -> histogram.percentile(0)).hasMessageContaining("percentile");
    assertThatThrownBy(() -> histogram.percentile(100.5)).hasMessageContaining("100.5");
  }
}
