package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** {@code serval tune --jobs}: trials as jobs on a real server's embedded worker. */
class TuneJobsTest extends JobServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private int tune(String study, String... args) throws IOException {
    Path space = Files.writeString(dir.resolve("space.json"),
        "{\"x\": {\"type\": \"int\", \"low\": 0, \"high\": 9}}");
    List<String> all = new ArrayList<>(List.of("tune", "--jobs", "--server",
        url(), "--space", space.toString(), "--study", study,
        "--output", dir.resolve(study + ".json").toString(), "--seed", "3"));
    all.addAll(List.of(args));
    return cli(all);
  }

  private static List<JsonNode> trials(JsonNode result) {
    return StreamSupport.stream(result.get("trials").spliterator(), false).toList();
  }

  private JsonNode result(String study) throws IOException {
    return JSON.readTree(dir.resolve(study + ".json").toFile());
  }

  private List<JsonNode> jobs(String state) {
    JsonNode page = new ServalClient(url(), null)
        .get("/api/v1/jobs?limit=1000&state=" + state);
    return StreamSupport.stream(page.get("jobs").spliterator(), false).toList();
  }

  @Test
  void prunedTrialsHaveTheirJobsCancelled() throws IOException {
    int exit = tune("pruned", "--trials", "10", "--sampler", "grid", "--pruner", "median", "--",
        "sh", "-c", "echo 'serval.report 0 {x}'; sleep 1; echo 'serval.report 1 {x}'; echo {x}");

    assertThat(exit).as(err.toString()).isZero();
    List<JsonNode> pruned = trials(result("pruned")).stream()
        .filter(t -> t.get("state").asText().equals("PRUNED")).toList();
    assertThat(pruned).isNotEmpty();
    double best = result("pruned").get("best").get("value").asDouble();
    assertThat(pruned).allMatch(t -> t.get("value").asDouble() > best)
        .allMatch(t -> t.get("intermediate").size() == 1);
    Awaitility.await().untilAsserted(() -> assertThat(jobs("CANCELLED"))
        .filteredOn(j -> j.path("name").asText().startsWith("pruned-trial-"))
        .hasSameSizeAs(pruned));
    assertThat(jobs("SUCCEEDED"))
        .filteredOn(j -> j.path("name").asText().startsWith("pruned-trial-"))
        .hasSize(10 - pruned.size());
  }

  @Test
  void trialsRunInParallelAndANamedMetricGivesTheValue() throws IOException {
    int exit = tune("metric", "--trials", "4", "--parallel", "2", "--sampler", "grid",
        "--direction", "maximize", "--job-metric", "acc", "--",
        "sh", "-c", "echo serval.metric acc 0.{x} 0; echo serval.metric acc {x} 1; echo 1000");

    assertThat(exit).as(err.toString()).isZero();
    List<JsonNode> trials = trials(result("metric"));
    assertThat(trials).hasSize(4).allMatch(t -> t.get("state").asText().equals("COMPLETE"))
        .allMatch(t -> t.get("value").asDouble() == t.at("/params/x").asDouble())
        .allMatch(t -> t.get("intermediate").size() == 2);
    assertThat(jobs("SUCCEEDED")).filteredOn(j -> j.path("name").asText()
        .startsWith("metric-trial-")).extracting(j -> j.at("/params/x").asText())
        .hasSize(4);
  }

  @Test
  void aFailedJobFailsItsTrialWithTheJobsReason() throws IOException {
    int exit = tune("failing", "--trials", "1", "--", "sh", "-c", "exit 3");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("FAILED", "exited with code 3");
  }
}
