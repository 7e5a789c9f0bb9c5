package dev.serval.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ThreadLayoutTest {
  @Test
  void parsesAndPrintsInstancesTimesThreads() {
    assertThat(ThreadLayout.parse(" 2x1 ")).isEqualTo(new ThreadLayout(2, 1));
    assertThat(new ThreadLayout(1, 4)).hasToString("1x4");
  }

  @Test
  void rejectsOtherFormsAndNonPositiveCounts() {
    assertThatThrownBy(() -> ThreadLayout.parse("2")).hasMessageContaining("'2'");
    assertThatThrownBy(() -> ThreadLayout.parse("axb")).hasMessageContaining("'axb'");
    assertThatThrownBy(() -> ThreadLayout.parse("0x1")).hasMessageContaining("0x1");
  }

  @Test
  void defaultLayoutsCoverOneThreadAllThreadsOneInstancePerCoreAndTheServerLayout() {
    ThreadLayout server = ServingBenchmark.Builder.defaultServerLayout(8);
    assertThat(server).isEqualTo(new ThreadLayout(1, 4));
    assertThat(ServingBenchmark.Builder.defaultLayouts(8, server)).containsExactly(
        new ThreadLayout(1, 1), new ThreadLayout(1, 8), new ThreadLayout(8, 1), server);
    assertThat(ServingBenchmark.Builder.defaultLayouts(2,
            ServingBenchmark.Builder.defaultServerLayout(2)))
        .containsExactly(new ThreadLayout(1, 1), new ThreadLayout(1, 2), new ThreadLayout(2, 1));
    assertThat(ServingBenchmark.Builder.defaultLayouts(1,
            ServingBenchmark.Builder.defaultServerLayout(1)))
        .containsExactly(new ThreadLayout(1, 1));
  }
}
