package dev.serval.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchmarkReportTest {
  private static final Environment ENVIRONMENT =
      new Environment("2026-01-01T00:00:00Z", 2, "Test CPU", "Java 17", "Linux amd64");
  private static final long MS = 1_000_000;

  private static LatencySummary latency(long p99Millis) {
    return new LatencySummary(100, MS / 2, MS, p99Millis * MS, p99Millis * MS);
  }

  private static RuntimeResult raw(int batch, double rowsPerSecond) {
    return raw(batch, 2, rowsPerSecond);
  }

  private static RuntimeResult raw(int batch, int instances, double rowsPerSecond) {
    return new RuntimeResult(batch, instances, 1, 10, 1000, rowsPerSecond / batch, rowsPerSecond,
        latency(1));
  }

  private static LoadResult load(String target, Encoding encoding, int rows, int clients,
      double requestsPerSecond, long p99Millis, Map<String, Long> errors) {
    return new LoadResult(target, encoding, rows, clients, 10, (long) requestsPerSecond * 10,
        requestsPerSecond, requestsPerSecond * rows, latency(p99Millis), errors, null);
  }

  private final BenchmarkReport report = new BenchmarkReport(ENVIRONMENT,
      List.of(raw(1, 90_000), raw(64, 1, 1_000_000), raw(64, 2, 2_000_000)),
      List.of(
          load("serval", Encoding.JSON, 1, 16, 25_000, 3, Map.of()),
          load("serval", Encoding.BINARY, 1, 32, 30_000, 7, Map.of()),
          load("serval", Encoding.BINARY, 64, 2, 26_000, 2, Map.of()),
          load("serval", Encoding.JSON, 64, 2, 10_000, 4, Map.of("429", 3L)),
          load("fastapi-torch", Encoding.JSON, 1, 16, 2_000, 20, Map.of())),
      new ThreadLayout(2, 1));

  @Test
  void checksSingleRowThroughputAndTailLatency() {
    assertThat(report.targets())
        .filteredOn(c -> c.name().startsWith("1-row") && !c.name().contains(" vs "))
        .extracting(TargetCheck::name, TargetCheck::met)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("1-row JSON, 16 clients", true),
            org.assertj.core.groups.Tuple.tuple("1-row BINARY, 32 clients", false));
  }

  @Test
  void comparesWithThePeerAtTheSameConcurrencyAndEncoding() {
    assertThat(report.targets()).filteredOn(c -> c.name().contains("vs fastapi-torch"))
        .singleElement()
        .satisfies(c -> {
          assertThat(c.measured()).startsWith("12.5x");
          assertThat(c.met()).isTrue();
        });
  }

  @Test
  void comparesManyRowBinaryWithTheRawRuntimeInTheServersLayoutAndShowsJsonForReference() {
    assertThat(report.targets()).filteredOn(c -> c.name().startsWith("64-row"))
        .extracting(TargetCheck::name, TargetCheck::measured, TargetCheck::met)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("64-row JSON, 2 clients vs raw runtime 2x1",
                "32% (640,000 vs 2,000,000 rows/s)", null),
            org.assertj.core.groups.Tuple.tuple("64-row BINARY, 2 clients vs raw runtime 2x1",
                "83% (1,664,000 vs 2,000,000 rows/s)", true));
  }

  @Test
  void comparesWithTheRawRuntimeOfTheSameThreadsEvenWhenAnotherLayoutIsFaster() {
    BenchmarkReport oneThread = new BenchmarkReport(ENVIRONMENT, report.runtime(), report.load(),
        new ThreadLayout(1, 1));
    assertThat(oneThread.targets()).filteredOn(c -> c.name().startsWith("64-row BINARY"))
        .singleElement()
        .satisfies(c -> {
          assertThat(c.name()).endsWith("vs raw runtime 1x1");
          assertThat(c.measured()).isEqualTo("166% (1,664,000 vs 1,000,000 rows/s)");
        });
  }

  @Test
  void fallsBackToTheFastestLayoutWhenTheServersWasNotMeasured() {
    BenchmarkReport unmeasured = new BenchmarkReport(ENVIRONMENT, report.runtime(),
        report.load(), new ThreadLayout(4, 1));
    assertThat(unmeasured.targets()).filteredOn(c -> c.name().startsWith("64-row BINARY"))
        .singleElement()
        .satisfies(c -> assertThat(c.name()).endsWith("vs raw runtime 2x1"));
  }

  @Test
  void checksGrpcAgainstJsonAtTheSameConcurrencyAndNotAgainstTheRestGoal() {
    BenchmarkReport grpc = new BenchmarkReport(ENVIRONMENT, List.of(), List.of(
        load("serval", Encoding.JSON, 1, 32, 12_000, 4, Map.of()),
        load("serval", Encoding.GRPC, 1, 32, 13_000, 4, Map.of()),
        load("serval", Encoding.GRPC, 1, 8, 9_000, 2, Map.of())), null);

    assertThat(grpc.targets()).extracting(TargetCheck::name, TargetCheck::measured,
            TargetCheck::met)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("1-row JSON, 32 clients",
                "12,000 req/s, p99 4.00 ms", false),
            org.assertj.core.groups.Tuple.tuple("1-row GRPC, 32 streams vs JSON",
                "13,000 vs 12,000 req/s, p99 4.00 ms", true));
  }

  @Test
  void grpcSlowerThanJsonMissesItsTarget() {
    BenchmarkReport grpc = new BenchmarkReport(ENVIRONMENT, List.of(), List.of(
        load("serval", Encoding.JSON, 1, 32, 12_000, 4, Map.of()),
        load("serval", Encoding.GRPC, 1, 32, 11_000, 1, Map.of())), null);

    assertThat(grpc.targets()).filteredOn(c -> c.name().contains("GRPC")).singleElement()
        .satisfies(c -> assertThat(c.met()).isFalse());
  }

  @Test
  void aFastPhaseWithErrorsStillMissesItsTargetAndShowsItsFirstError() {
    LoadResult failing = new LoadResult("serval", Encoding.BINARY, 64, 4, 10, 300_000, 30_000,
        1_920_000, latency(1), Map.of("503", 1L), "HTTP 503");
    BenchmarkReport withErrors =
        new BenchmarkReport(ENVIRONMENT, List.of(raw(64, 2_000_000)), List.of(failing), null);

    assertThat(withErrors.targets()).singleElement()
        .satisfies(c -> assertThat(c.met()).isFalse());
    assertThat(withErrors.toMarkdown())
        .contains("First error of serval BINARY 64-row at 4 clients: HTTP 503");
  }

  @Test
  void jsonHoldsResultsAndTargets() throws IOException {
    JsonNode json = new ObjectMapper().readTree(report.toJson());

    assertThat(json.get("environment").get("cpus").asInt()).isEqualTo(2);
    assertThat(json.get("runtime")).hasSize(3);
    assertThat(json.get("load").get(3).get("errors").get("429").asLong()).isEqualTo(3);
    assertThat(json.get("load").get(0).get("latency").get("p99Nanos").asLong())
        .isEqualTo(3 * MS);
    assertThat(json.get("targets")).hasSize(report.targets().size());
  }

  @Test
  void markdownHasOneTableRowPerResultAndMarksMissedTargets() {
    String markdown = report.toMarkdown();

    assertThat(markdown).contains(
        "| 64 | 2 x 1 | 31,250 | 2,000,000 | 0.500 | 1.000 |",
        "| serval | JSON | 64 | 2 | 10,000 | 640,000 | 0.500 | 1.000 | 4.000 | 4.000 | {429=3} |",
        "| 1-row BINARY, 32 clients | 30,000 req/s, p99 7.00 ms | >= 20,000 req/s, p99 < 5 ms "
            + "| **no** |");
  }
}
