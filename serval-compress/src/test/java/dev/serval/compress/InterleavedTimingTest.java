package dev.serval.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InterleavedTimingTest {
  @Test
  void alternatesTheModelsRoundByRoundAndTakesMediansOfTheTimedRounds() {
    AtomicLong now = new AtomicLong();
    List<String> order = new ArrayList<>();
    // a run of A costs 1 ms and B 2 ms, except one slow outlier run of B (a load spike)
    Runnable a = () -> {
      order.add("A");
      now.addAndGet(1_000_000);
    };
    Runnable b = () -> {
      order.add("B");
      now.addAndGet(order.size() == 20 ? 50_000_000 : 2_000_000);
    };
    InterleavedTiming timing = new InterleavedTiming(5, 2, now::get);

    double[] millis = timing.medianMillis(a, b);

    assertThat(order).startsWith("A", "A", "B", "B", "A", "A", "B", "B").hasSize(2 * 2 * (3 + 5));
    assertThat(millis).containsExactly(1.0, 2.0);
    assertThat(timing.runs()).isEqualTo(10);
  }

  @Test
  void refusesRoundsBelowOne() {
    assertThatThrownBy(() -> new InterleavedTiming(0, 1, System::nanoTime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rounds and runsPerRound must be >= 1 but were 0 and 1");
  }
}
