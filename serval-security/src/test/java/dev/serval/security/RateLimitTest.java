package dev.serval.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import org.junit.jupiter.api.Test;

class RateLimitTest {
  @Test
  void parsesRatesPerSecondAndPerMinuteWithOrWithoutBurst() {
    assertThat(RateLimit.parse("100/s")).isEqualTo(new RateLimit(100, 100));
    assertThat(RateLimit.parse("100")).isEqualTo(new RateLimit(100, 100));
    assertThat(RateLimit.parse("5/s:20")).isEqualTo(new RateLimit(5, 20));
    assertThat(RateLimit.parse("30/m")).isEqualTo(new RateLimit(0.5, 1));
    assertThat(RateLimit.parse("0.5/S")).isEqualTo(new RateLimit(0.5, 1));
  }

  @Test
  void printsWhatItParses() {
    assertThat(RateLimit.parse(new RateLimit(5, 20).toString())).isEqualTo(new RateLimit(5, 20));
    assertThat(RateLimit.parse(new RateLimit(0.25, 1).toString()))
        .isEqualTo(new RateLimit(0.25, 1));
  }

  @Test
  void refusesWhatIsNotARate() {
    for (String bad : new String[] {"", "fast", "0/s", "-1/s", "10/h", "5/s:0", "5/s:x", "NaN"}) {
      assertThatThrownBy(() -> RateLimit.parse(bad)).as(bad)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("100/s");
    }
  }
}
