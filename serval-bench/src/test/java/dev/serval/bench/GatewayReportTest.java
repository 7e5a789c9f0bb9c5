package dev.serval.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayReportTest {
  private static final Environment ENVIRONMENT =
      new Environment("2026-01-01T00:00:00Z", 2, "Test CPU", "Java 17", "Linux amd64");
  private static final long MICROS = 1_000;

  private static LoadResult load(String target, long p50Micros) {
    return new LoadResult(target, Encoding.JSON, 1, 1, 10, 20_000, 2_000, 2_000,
        new LatencySummary(20_000, p50Micros * MICROS, 2 * p50Micros * MICROS,
            5 * p50Micros * MICROS, 10 * p50Micros * MICROS),
        Map.of(), null);
  }

  private static GatewayReport report(long gatewayP50Micros) {
    GatewayReport.Overhead one =
        new GatewayReport.Overhead(1, load("direct", 200), load("via", gatewayP50Micros), 87.4);
    return new GatewayReport(ENVIRONMENT, List.of(one),
        new GatewayReport.Kill(16, 3, 250, load("kill", 900)));
  }

  @Test
  void overheadTargetIsTheAddedMedianAtTheLowestClientCount() {
    assertThat(report(480).targets().get(0).met()).isTrue();
    assertThat(report(520).targets().get(0).met()).isFalse();
  }

  @Test
  void tableShowsTheGatewaysCpuPerRequestBesideTheAddedLatency() {
    assertThat(report(480).toMarkdown())
        .contains("| added p50 µs | gateway CPU µs/request |")
        .contains("| 1 | 0.200 | 0.480 | 1.000 | 2.400 | 280 | 87 | 2000 | 2000 |");
  }
}
