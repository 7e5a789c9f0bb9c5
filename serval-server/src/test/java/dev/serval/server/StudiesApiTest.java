package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.RegistryService;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.runtime.onnx.OnnxBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The studies API on a real server whose registry database holds the studies. */
class StudiesApiTest {
  private static final String STUDIES = "/api/v1/studies";
  private static final String SPACE = """
      {"x": {"type": "float", "low": -5, "high": 5},
       "y": {"type": "float", "low": -5, "high": 5}}""";

  @TempDir Path dir;
  private ModelRegistry registry;
  private TestServer server;

  @BeforeEach
  void start() throws IOException {
    registry = ModelRegistry.builder().dataDir(dir.resolve("data")).build();
    RegistryService service = RegistryService.builder().registry(registry)
        .validator(ModelValidator.builder().backend(new OnnxBackend()).build())
        .executor(Runnable::run).build();
    server = TestServer.start(Files.createDirectories(dir.resolve("repository")),
        b -> b.registry(registry, service));
  }

  @AfterEach
  void stop() {
    server.close();
    registry.close();
  }

  private AggregatedHttpResponse send(HttpMethod method, String path, String json) {
    return server.blocking.execute(
        RequestHeaders.builder(method, path).contentType(MediaType.JSON_UTF_8).build(), json);
  }

  private AggregatedHttpResponse create(String name, String extra) {
    return server.post(STUDIES, "{\"name\": \"" + name + "\", \"space\": " + SPACE + extra + "}");
  }

  private JsonNode ask(String study) {
    AggregatedHttpResponse asked = server.post(STUDIES + "/" + study + "/trials", "");
    assertThat(asked.status()).as(asked.contentUtf8()).isEqualTo(HttpStatus.CREATED);
    return TestServer.json(asked);
  }

  private AggregatedHttpResponse tell(String study, int number, String json) {
    return send(HttpMethod.PUT, STUDIES + "/" + study + "/trials/" + number, json);
  }

  /** Runs {@code n} trials of f(x, y) = (x - 1)^2 through ask and tell; returns the values. */
  private List<Double> runTrials(String study, int n) {
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonNode trial = ask(study);
      double value = Math.pow(trial.at("/params/x").asDouble() - 1, 2);
      AggregatedHttpResponse told = tell(study, trial.get("number").asInt(),
          "{\"state\": \"complete\", \"value\": " + value + "}");
      assertThat(told.status()).as(told.contentUtf8()).isEqualTo(HttpStatus.OK);
      values.add(value);
    }
    return values;
  }

  @Test
  void createsAStudyThenJoinsItWhenTheDefinitionMatches() {
    AggregatedHttpResponse created = create("lr", ", \"sampler\": \"random\", \"seed\": 7,"
        + " \"pruner\": {\"type\": \"asha\", \"reduction_factor\": 2}");

    assertThat(created.status()).as(created.contentUtf8()).isEqualTo(HttpStatus.CREATED);
    assertThat(created.headers().get(HttpHeaderNames.LOCATION)).isEqualTo(STUDIES + "/lr");
    JsonNode study = TestServer.json(created);
    assertThat(study.get("direction").asText()).isEqualTo("minimize");
    assertThat(study.get("sampler").asText()).isEqualTo("random");
    assertThat(study.get("seed").asLong()).isEqualTo(7);
    assertThat(study.at("/pruner/type").asText()).isEqualTo("asha");
    assertThat(study.at("/pruner/reduction_factor").asInt()).isEqualTo(2);
    assertThat(study.at("/space/x/high").asDouble()).isEqualTo(5);
    assertThat(study.get("n_trials").asInt()).isZero();

    AggregatedHttpResponse joined = create("lr", "");
    assertThat(joined.status()).isEqualTo(HttpStatus.OK);
    assertThat(TestServer.json(joined).get("seed").asLong()).isEqualTo(7);
    assertThat(TestServer.json(server.get(STUDIES + "/lr")).get("sampler").asText())
        .isEqualTo("random");
  }

  @Test
  void refusesToJoinAStudyDefinedOtherwiseWith409() {
    create("s", ", \"seed\": 1");

    AggregatedHttpResponse direction = create("s", ", \"direction\": \"maximize\"");
    AggregatedHttpResponse seed = create("s", ", \"seed\": 2");
    AggregatedHttpResponse space = server.post(STUDIES, """
        {"name": "s", "space": {"x": {"type": "float", "low": 0, "high": 1}}}""");

    assertThat(List.of(direction.status(), seed.status(), space.status()))
        .containsOnly(HttpStatus.CONFLICT);
    assertThat(TestServer.error(direction)).contains("direction MINIMIZE, not MAXIMIZE");
    assertThat(TestServer.error(seed)).contains("seed 1, not 2");
    assertThat(TestServer.error(space)).contains("search space");
  }

  @Test
  void runsTrialsByAskAndTellAndServesBestHistoryAndTrials() {
    create("quad", ", \"sampler\": \"random\", \"seed\": 3");
    List<Double> values = runTrials("quad", 8);
    JsonNode failed = ask("quad");
    tell("quad", failed.get("number").asInt(), "{\"state\": \"fail\", \"error\": \"OOM\"}");

    double best = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    JsonNode bestTrial = TestServer.json(server.get(STUDIES + "/quad/best"));
    assertThat(bestTrial.get("value").asDouble()).isEqualTo(best);
    assertThat(bestTrial.get("number").asInt()).isEqualTo(values.indexOf(best));

    JsonNode history = TestServer.json(server.get(STUDIES + "/quad/history")).get("trials");
    assertThat(history).hasSize(9);
    double bestSoFar = Double.MAX_VALUE;
    for (int i = 0; i < 8; i++) {
      bestSoFar = Math.min(bestSoFar, values.get(i));
      assertThat(history.get(i).get("best_value").asDouble()).isEqualTo(bestSoFar);
      assertThat(history.get(i).get("finished").isTextual()).isTrue();
    }
    assertThat(history.get(8).get("state").asText()).isEqualTo("FAIL");
    assertThat(history.get(8).get("value").isNull()).isTrue();

    JsonNode summary = TestServer.json(server.get(STUDIES + "/quad"));
    assertThat(summary.at("/trial_counts/COMPLETE").asInt()).isEqualTo(8);
    assertThat(summary.at("/trial_counts/FAIL").asInt()).isEqualTo(1);
    assertThat(summary.get("best_value").asDouble()).isEqualTo(best);

    JsonNode page = TestServer.json(server.get(STUDIES + "/quad/trials?limit=3&after=2"));
    assertThat(page.get("trials")).extracting(t -> t.get("number").asInt())
        .containsExactly(3, 4, 5);
    assertThat(page.get("next").asInt()).isEqualTo(5);
    JsonNode failures = TestServer.json(server.get(STUDIES + "/quad/trials?state=fail"));
    assertThat(failures.get("trials")).hasSize(1);
    assertThat(failures.at("/trials/0/user_attrs/error").asText()).isEqualTo("OOM");
    assertThat(failures.get("next").isNull()).isTrue();
    assertThat(TestServer.json(server.get(STUDIES + "/quad/trials/0")).get("params").has("y"))
        .isTrue();
  }

  @Test
  void servesImportancesOnceEnoughTrialsCompleted() {
    create("imp", ", \"sampler\": \"random\", \"seed\": 5");
    runTrials("imp", 3);

    AggregatedHttpResponse early = server.get(STUDIES + "/imp/importances");
    assertThat(early.status()).isEqualTo(HttpStatus.CONFLICT);
    assertThat(TestServer.error(early)).contains("3 complete trials").contains("at least 5");

    runTrials("imp", 37);
    JsonNode importances = TestServer.json(server.get(STUDIES + "/imp/importances"));
    assertThat(importances.get("method").asText()).isEqualTo("ped-anova");
    assertThat(importances.get("trials").asInt()).isEqualTo(40);
    JsonNode shares = importances.get("importances");
    assertThat(shares.get("x").asDouble()).isGreaterThan(shares.get("y").asDouble());
    assertThat(shares.get("x").asDouble() + shares.get("y").asDouble())
        .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void reportAnswersWhetherTheStudysPrunerStopsTheTrial() {
    create("pr", ", \"sampler\": \"random\", \"seed\": 2, \"pruner\": {\"type\": \"median\"}");
    for (int i = 0; i < 5; i++) {
      int number = ask("pr").get("number").asInt();
      AggregatedHttpResponse report = server.post(STUDIES + "/pr/trials/" + number + "/report",
          "{\"step\": 1, \"value\": " + i + "}");
      assertThat(TestServer.json(report).get("prune").asBoolean()).isFalse();
      tell("pr", number, "{\"state\": \"complete\", \"value\": " + i + "}");
    }
    int worse = ask("pr").get("number").asInt();

    AggregatedHttpResponse report = server.post(STUDIES + "/pr/trials/" + worse + "/report",
        "{\"step\": 1, \"value\": 100}");

    assertThat(TestServer.json(report).get("prune").asBoolean()).isTrue();
    JsonNode pruned = TestServer.json(tell("pr", worse, "{\"state\": \"pruned\"}"));
    assertThat(pruned.get("state").asText()).isEqualTo("PRUNED");
    assertThat(pruned.get("value").asDouble()).isEqualTo(100);
  }

  @Test
  void listsStudiesWithCountsAndBestValuesAPageAtATime() {
    create("a", ", \"sampler\": \"random\"");
    create("b", "");
    create("c", "");
    runTrials("a", 2);

    JsonNode first = TestServer.json(server.get(STUDIES + "?limit=2"));
    assertThat(first.get("studies")).extracting(s -> s.get("name").asText())
        .containsExactly("a", "b");
    assertThat(first.at("/studies/0/trial_counts/COMPLETE").asInt()).isEqualTo(2);
    assertThat(first.at("/studies/0/best_value").isNumber()).isTrue();
    assertThat(first.at("/studies/1/best_value").isNull()).isTrue();
    assertThat(first.at("/studies/0/created").asText()).isNotBlank();
    JsonNode second = TestServer.json(server.get(STUDIES + "?limit=2&after="
        + first.get("next").asText()));
    assertThat(second.get("studies")).extracting(s -> s.get("name").asText())
        .containsExactly("c");
  }

  @Test
  void deletesAStudySoThatItsNameStartsAfresh() {
    create("d", "");
    runTrials("d", 2);

    assertThat(send(HttpMethod.DELETE, STUDIES + "/d", "").status())
        .isEqualTo(HttpStatus.NO_CONTENT);
    assertThat(server.get(STUDIES + "/d").status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(send(HttpMethod.DELETE, STUDIES + "/d", "").status())
        .isEqualTo(HttpStatus.NOT_FOUND);
    create("d", "");
    assertThat(ask("d").get("number").asInt()).isZero();
  }

  @Test
  void refusesUnknownFieldsParametersAndNamesWith400And404() {
    create("s", "");
    int number = ask("s").get("number").asInt();

    AggregatedHttpResponse unknownField = create("t", ", \"smapler\": \"tpe\"");
    AggregatedHttpResponse badSampler = create("t", ", \"sampler\": \"bayes\"");
    AggregatedHttpResponse missingSpace = server.post(STUDIES, "{\"name\": \"t\"}");
    AggregatedHttpResponse unknownQuery = server.get(STUDIES + "/s/trials?sort=value");
    AggregatedHttpResponse askWithField = server.post(STUDIES + "/s/trials", "{\"n\": 2}");
    AggregatedHttpResponse noValue = tell("s", number, "{\"state\": \"complete\"}");
    AggregatedHttpResponse missingStep = server.post(STUDIES + "/s/trials/" + number
        + "/report", "{\"value\": 1}");

    assertThat(List.of(unknownField, badSampler, missingSpace, unknownQuery, askWithField,
        noValue, missingStep)).allMatch(r -> r.status() == HttpStatus.BAD_REQUEST);
    assertThat(TestServer.error(unknownField)).contains("unknown field 'smapler'");
    assertThat(TestServer.error(badSampler)).contains("[auto, random, grid, qmc, tpe, gp");
    assertThat(TestServer.error(missingSpace)).contains("missing field 'space'");
    assertThat(TestServer.error(unknownQuery)).contains("unknown query parameter 'sort'");
    assertThat(TestServer.error(noValue)).contains("COMPLETE needs a finite value");
    assertThat(TestServer.error(missingStep)).contains("missing field 'step'");
    assertThat(server.get(STUDIES + "/nope").status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(server.get(STUDIES + "/s/trials/9").status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(server.get(STUDIES + "/s/best").status()).isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void refusesToTellOrReportToAFinishedTrialWith409() {
    create("s", "");
    int number = ask("s").get("number").asInt();
    tell("s", number, "{\"state\": \"complete\", \"value\": 1}");

    AggregatedHttpResponse again = tell("s", number, "{\"state\": \"complete\", \"value\": 2}");
    AggregatedHttpResponse late = server.post(STUDIES + "/s/trials/" + number + "/report",
        "{\"step\": 3, \"value\": 1}");

    assertThat(again.status()).isEqualTo(HttpStatus.CONFLICT);
    assertThat(TestServer.error(again)).contains("already COMPLETE");
    assertThat(late.status()).isEqualTo(HttpStatus.CONFLICT);
  }
}
