package dev.serval.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.bench.tune.BestValues;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TuneBenchmarkTest {
  @Test
  void runsEverySamplerOnEveryFunctionWithValuesNoBetterThanTheOptimum() {
    TuneReport report = TuneBenchmark.builder().seeds(2).trials(10).build()
        .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(report.results()).hasSize(4 * TuneBenchmark.SAMPLERS.size());
    for (BestValues r : report.results()) {
      assertThat(r.bestPerSeed()).hasSize(2)
          .allSatisfy(best -> assertThat(best).isGreaterThanOrEqualTo(r.optimum() - 1e-9));
    }
    assertThat(report.toJson()).contains("\"median\"", "\"hartmann6\"", "\"cmaes\"");
    assertThat(report.toMarkdown()).contains("| mixed | auto |", "| mixed | tpe-multivariate |");
  }

  @Test
  void sameSeedsGiveTheSameBestValues() {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    TuneBenchmark benchmark = TuneBenchmark.builder().seeds(2).trials(10).build();
    assertThat(benchmark.run(quiet).results()).isEqualTo(benchmark.run(quiet).results());
  }

  @Test
  void refusesZeroSeeds() {
    assertThatThrownBy(() -> TuneBenchmark.builder().seeds(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seeds")
        .hasMessageContaining("0");
  }

  @Test
  void rejectsUnknownOptionWithExitCodeTwo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = TuneBenchmark.runCommand(new String[] {"--bogus", "1"},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--bogus");
  }
}
