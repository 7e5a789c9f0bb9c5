package dev.serval.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.bench.internal.GetLoop;
import dev.serval.bench.internal.RegistrySeeder;
import dev.serval.registry.ModelFilter;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.PageRequest;
import dev.serval.registry.VersionRecord;
import dev.serval.registry.VersionState;
import dev.serval.runtime.onnx.SampleModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryBenchmarkTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"),
      ZoneOffset.UTC);

  @TempDir Path dir;
  private final List<RegistryTestServer> servers = new ArrayList<>();

  private RegistryBenchmark.Builder small() {
    return RegistryBenchmark.builder()
        .pushWidth(500)
        .pushes(2, 1)
        .registrySize(20, 3)
        .requests(30, 5)
        .workDir(dir.resolve("work"))
        .clock(CLOCK)
        .progress(line -> {})
        .serverStarter(data -> {
          RegistryTestServer server = new RegistryTestServer(data);
          servers.add(server);
          return server;
        });
  }

  @Test
  void pushesAMegabyteModelUntilReadyBesideTimedCopiesAndCleansUp() {
    RegistryReport report = small().registrySize(0, 0).build().run();

    PushResult push = report.push();
    assertThat(push.modelBytes()).isBetween(1_000_000L, 1_300_000L);
    assertThat(push.copyNanos()).hasSize(2).allMatch(n -> n > 0);
    assertThat(push.pushNanos()).hasSize(2).allMatch(n -> n > 0);
    assertThat(servers.get(0).pushed).hasSize(3)
        .allMatch(v -> v.state() == VersionState.READY && v.sizeBytes() == push.modelBytes());
    assertThat(servers.get(0).requested).contains("/v2/models/big/versions/1/ready",
        "/v2/models/big/versions/2/ready", "/v2/models/big/versions/3/ready");
    assertThat(push.breakdown()).extracting(StepTiming::step)
        .contains("validation: format", "validation: smoke")
        .anyMatch(step -> step.startsWith("store: stream + SHA-256 + fsync"));
    assertThat(report.reads()).isEmpty();
    assertThat(dir.resolve("work")).isEmptyDirectory();
  }

  @Test
  void readsEveryEndpointOfASeededRegistryWithoutErrorsAndCleansUp() {
    RegistryReport report = small().pushes(0, 0).build().run();

    assertThat(report.push()).isNull();
    assertThat(report.reads()).extracting(EndpointResult::endpoint).containsExactly("GET model",
        "GET version (random)", "list versions, first page", "list versions, deep page",
        "list models, first page", "list models, deep page");
    assertThat(report.reads()).allSatisfy(r -> {
      assertThat(r.errors()).as(r.firstError()).isZero();
      assertThat(r.latency().count()).isEqualTo(30);
    });
    List<String> requested = servers.get(0).requested;
    assertThat(requested).contains("/api/v1/models?limit=100&after=model-00001");
    assertThat(requested.stream().filter(p -> p.matches(".*/versions/\\d+")).distinct().count())
        .isGreaterThan(10);
    assertThat(dir.resolve("work")).isEmptyDirectory();
  }

  @Test
  void seededVersionsAreReadyWithTheArtifactsSignature() {
    Path data = dir.resolve("data");
    RegistrySeeder.seed(data, SampleModels.mlp(4, new int[] {8}, 3, 1), "m", 10, 2, 2);

    try (ModelRegistry registry = ModelRegistry.builder().dataDir(data).build()) {
      List<VersionRecord> versions = registry.listVersions("m", PageRequest.first(100)).items();
      assertThat(versions).extracting(VersionRecord::version)
          .containsExactlyElementsOf(IntStream.rangeClosed(1, 10).boxed()
              .toList());
      assertThat(versions).allSatisfy(v -> {
        assertThat(v.state()).isEqualTo(VersionState.READY);
        assertThat(v.signatureJson()).contains("\"name\":\"input\"", "\"shape\":[-1,4]",
            "\"probabilities\"");
      });
      assertThat(registry.listModels(ModelFilter.ALL, PageRequest.first(100)).items())
          .hasSize(3);
    }
  }

  @Test
  void getLoopCountsAnswersOtherThan200AsErrors() {
    try (RegistryTestServer server = new RegistryTestServer(dir.resolve("empty"))) {
      EndpointResult result = new GetLoop(server.baseUrl(), 0, 4)
          .run("missing", List.of("/api/v1/models/nope"));

      assertThat(result.errors()).isEqualTo(4);
      assertThat(result.latency().count()).isZero();
      assertThat(result.firstError()).isEqualTo("GET /api/v1/models/nope: status 404");
    }
  }

  @Test
  void copyTimingSyncsANewFileAndRemovesIt() throws Exception {
    Path from = Files.write(dir.resolve("a.bin"), new byte[1 << 16]);
    Path to = dir.resolve("b.bin");

    assertThat(RegistryBenchmark.timedCopy(from, to)).isPositive();
    assertThat(to).doesNotExist();
  }

  @Test
  void reportComparesMediansAndChecksBothTargets() {
    PushResult push = new PushResult(100_000_000, List.of(400L, 100L, 300L, 200L),
        List.of(500L, 700L, 600L, 900L), List.of(new StepTiming("validation: smoke", 50)));
    EndpointResult fast = new EndpointResult("GET model", "/api/v1/models/m",
        new LatencySummary(2000, 500_000, 800_000, 1_000_000, 9_000_000), 0, null);
    EndpointResult slow = new EndpointResult("list versions, deep page", "/x",
        new LatencySummary(2000, 500_000, 800_000, 6_000_000, 9_000_000), 0, null);

    RegistryReport report = new RegistryReport(Environment.capture(CLOCK), push, 10_000, 200,
        List.of(fast, slow));

    assertThat(push.copyMedianNanos()).isEqualTo(200);
    assertThat(push.pushMedianNanos()).isEqualTo(600);
    assertThat(push.ratio()).isEqualTo(3.0);
    assertThat(report.targets()).extracting(TargetCheck::met).containsExactly(false, true, false);
    assertThat(report.toMarkdown()).contains("| validation: smoke |", "Ratio of medians: 3.00x",
        "| GET model | `/api/v1/models/m` | 2,000 | 0.500 | 0.800 | 1.000 | 9.000 | 0 |");
    assertThat(report.toJson()).contains("\"ratio\" : 3.0", "\"pushMedianNanos\" : 600");
  }

  @Test
  void refusesARunWithNothingToMeasure() {
    assertThatThrownBy(() -> RegistryBenchmark.builder().pushes(0, 0).registrySize(0, 5).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("nothing to run");
    assertThatThrownBy(() -> RegistryBenchmark.builder().pushes(-1, 0))
        .hasMessage("pushes must be >= 0 but was -1");
    assertThatThrownBy(() -> RegistryBenchmark.builder().serverCommand(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
