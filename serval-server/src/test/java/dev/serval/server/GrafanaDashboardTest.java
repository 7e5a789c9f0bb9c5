package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serval.core.DataType;
import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard in docs/grafana queries only metrics that a running server exposes. */
class GrafanaDashboardTest {
  private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "serval.json");
  /** A metric selector in PromQL: the name right before its label matchers. */
  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");

  @TempDir Path repository;

  @Test
  void queriesOnlyMetricsThatTheServerExposes() throws IOException {
    JsonNode dashboard = TestServer.JSON.readTree(Files.readString(DASHBOARD));
    List<String> queries = queries(dashboard);
    Set<String> used = new TreeSet<>();
    for (String query : queries) {
      Set<String> names = metricNames(query);
      assertThat(names).as("metrics in %s", query).isNotEmpty();
      used.addAll(names);
    }
    TestServer.writeModel(repository, "id", 1, SampleModels.identity(DataType.FP32, -1, 2));

    try (TestServer server = TestServer.start(repository, b -> { })) {
      assertThat(server.post("/v2/models/id/infer",
          TestServer.inferRequest("x", "FP32", "[1, 2]", "[3, 4]")).status().code())
          .isEqualTo(200);

      // The API metrics are recorded once the response has been sent.
      await().untilAsserted(() ->
          assertThat(exposed(server.get("/metrics").contentUtf8())).containsAll(used));
    }
    assertThat(used).contains("serval_api_requests_total", "serval_queue_depth",
        "serval_batch_size_sum", "serval_models_loaded", "jvm_memory_used_bytes");
  }

  private static List<String> queries(JsonNode dashboard) {
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        queries.add(target.get("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.get("templating").get("list")) {
      if (variable.get("type").asText().equals("query")) {
        queries.add(variable.get("query").get("query").asText());
      }
    }
    return queries;
  }

  private static Set<String> metricNames(String query) {
    Set<String> names = new TreeSet<>();
    for (Pattern pattern : new Pattern[] {SELECTOR, LABEL_VALUES}) {
      Matcher matcher = pattern.matcher(query);
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    return names;
  }

  /** The series names of a Prometheus text exposition. */
  private static Set<String> exposed(String metrics) {
    Set<String> names = new TreeSet<>();
    for (String line : metrics.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }
}
