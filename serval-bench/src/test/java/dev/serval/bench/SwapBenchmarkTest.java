package dev.serval.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SwapBenchmarkTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"),
      ZoneOffset.UTC);

  private final SwapTestServer server = new SwapTestServer();
  private final List<Path> dataDirs = new ArrayList<>();

  @AfterEach
  void stopServer() {
    server.close();
  }

  private SwapBenchmark.Builder small() {
    return SwapBenchmark.builder()
        .clients(2)
        .durations(Duration.ofMillis(200), Duration.ofMillis(1000))
        .swapInterval(Duration.ofMillis(200))
        .clock(CLOCK)
        .progress(line -> {})
        .serverStarter(dataDir -> {
          dataDirs.add(dataDir);
          return server;
        });
  }

  @Test
  void alternatesTheDeploymentUnderLoadAndSeesBothVersionsAnswer() {
    SwapReport report = small().build().run();

    assertThat(server.pushes).hasValue(2);
    assertThat(server.deployments).startsWith(1, 2, 1);
    for (int i = 1; i < server.deployments.size(); i++) {
      assertThat(server.deployments.get(i)).isEqualTo(i % 2 == 1 ? 2 : 1);
    }
    assertThat(report.swaps().done()).isEqualTo(server.deployments.size() - 1).isBetween(2L, 4L);
    assertThat(report.swaps().failed()).isZero();
    assertThat(report.versions().answersByVersion()).containsOnlyKeys("1", "2");
    assertThat(report.steady().requests()).isPositive();
    assertThat(report.steady().errorCount()).isZero();
    assertThat(report.duringSwaps().requests()).isPositive();
    assertThat(report.duringSwaps().errorCount()).isZero();
    assertThat(report.targets()).extracting(TargetCheck::name, TargetCheck::met).contains(
        tuple("failed requests during swaps", true),
        tuple("versions that answered during swaps (sampled)", true),
        tuple("deployment changes", true));
    assertThat(dataDirs).singleElement().satisfies(d -> assertThat(d.getParent()).doesNotExist());
  }

  @Test
  void countsARefusedChangeAsAFailedSwapAndKeepsSwapping() {
    server.refusedChanges.add(2);

    SwapReport report = small().build().run();

    assertThat(report.swaps().failed()).isEqualTo(1);
    assertThat(report.swaps().done()).isPositive();
    assertThat(report.swaps().firstError()).startsWith("deploy version 2: PUT ")
        .endsWith("answered 500: {\"error\":\"version 2 failed to load\"}");
    assertThat(report.targets()).filteredOn(t -> t.name().equals("deployment changes"))
        .extracting(TargetCheck::met).containsExactly(false);
  }

  @Test
  void failsWhenTheFirstDeploymentIsRefused() {
    server.refusedChanges.add(1);

    assertThatThrownBy(() -> small().build().run()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("answered 500");
  }

  @Test
  void reportComparesP99AndChecksEveryTarget() {
    SwapReport report = new SwapReport(Environment.capture(CLOCK), 16, 2.0,
        load(4_000_000, Map.of()), load(10_000_000, Map.of("503", 3L)),
        new SwapTimings(9, 1, new LatencySummary(9, 150_000_000, 200_000_000, 250_000_000,
            260_000_000), "deploy version 2: PUT answered 500"),
        new VersionSample(Map.of("2", 180L, "1", 200L), 0, null));

    assertThat(report.p99Ratio()).isEqualTo(2.5);
    assertThat(report.targets()).extracting(TargetCheck::met)
        .containsExactly(false, false, true, false);
    assertThat(report.targets().get(0).measured()).isEqualTo("3 of 20,003 (load), 0 of 380 "
        + "(sampled)");
    assertThat(report.toMarkdown()).contains(
        "| steady | 20,000 | 1000 | 1.000 | 2.000 | 4.000 | 9.000 | 0 |",
        "| during swaps | 20,000 | 1000 | 1.000 | 2.000 | 10.000 | 9.000 | 3 |",
        "| 9 | 1 | 150.0 | 250.0 | 260.0 |",
        "Sampled answers by `model_version`: version 1: 200, version 2: 180; 0 failed.",
        "First error of the deployment changes: deploy version 2: PUT answered 500",
        "| p99 during swaps vs steady | 2.50x (10.00 ms vs 4.00 ms) | <= 2x | **no** |");
    assertThat(report.toJson()).contains("\"p99Ratio\" : 2.5", "\"done\" : 9");
  }

  @Test
  void refusesAnIntervalThatLeavesNoSwapInThePhase() {
    assertThatThrownBy(() -> small().swapInterval(Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("swapInterval must be shorter than the duration");
    assertThatThrownBy(() -> SwapBenchmark.builder().clients(0))
        .hasMessage("clients must be 1..1024 but was 0");
    assertThatThrownBy(() -> SwapBenchmark.builder().swapInterval(Duration.ZERO))
        .hasMessage("swapInterval must be > 0 but was PT0S");
  }

  private static LoadResult load(long p99Nanos, Map<String, Long> errors) {
    return new LoadResult("serval", Encoding.JSON, 1, 16, 20, 20_000, 1000, 1000,
        new LatencySummary(20_000, 1_000_000, 2_000_000, p99Nanos, 9_000_000), errors,
        errors.isEmpty() ? null : "HTTP 503");
  }
}
