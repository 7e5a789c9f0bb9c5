package dev.serval.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkSettingsTest {
  @Test
  void secondsMeasureBatchOneAndSixtyFour() {
    assertThat(BenchmarkSettings.of(1.5, 2))
        .isEqualTo(new BenchmarkSettings(List.of(1, 64), Duration.ofMillis(1500), 10, 2));
  }

  @Test
  void zeroSecondsMeasureNothing() {
    assertThat(BenchmarkSettings.of(0, 1).batches()).isEmpty();
  }

  @Test
  void rejectsNegativeOrNotANumberSeconds() {
    assertThatThrownBy(() -> BenchmarkSettings.of(-1, 1))
        .hasMessage("seconds must be >= 0 but was -1.0");
    assertThatThrownBy(() -> BenchmarkSettings.of(Double.NaN, 1))
        .hasMessage("seconds must be >= 0 but was NaN");
  }
}
