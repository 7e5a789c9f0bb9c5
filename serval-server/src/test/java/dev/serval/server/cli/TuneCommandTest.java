package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.tune.FloatParam;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import dev.serval.tune.TrialState;
import dev.serval.tune.sampler.RandomSampler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serval tune} driving real child processes through {@code sh}. */
class TuneCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  private int tune(String spaceJson, String... args) throws IOException {
    Path space = dir.resolve("space.json");
    Files.writeString(space, spaceJson);
    List<String> all = new ArrayList<>(List.of("tune", "--space", space.toString(),
        "--output", dir.resolve("result.json").toString(), "--seed", "3"));
    all.addAll(List.of(args));
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(all.toArray(String[]::new));
  }

  private JsonNode result() throws IOException {
    return MAPPER.readTree(dir.resolve("result.json").toFile());
  }

  private static List<JsonNode> trials(JsonNode result) {
    return StreamSupport.stream(result.get("trials").spliterator(), false).toList();
  }

  @Test
  void substitutesParamsTakesTheLastNumberAndWritesTheBest() throws IOException {
    int exit = tune("""
        {"x": {"type": "float", "low": -5, "high": 5},
         "n": {"type": "int", "low": 1, "high": 3}}""",
        "--trials", "6", "--parallel", "2", "--sampler", "random",
        "--", "sh", "-c", "echo 'x={x} n={n}'; echo 99; echo {x}; echo done");

    assertThat(exit).as(err.toString()).isZero();
    JsonNode result = result();
    List<JsonNode> trials = trials(result);
    assertThat(trials).hasSize(6).allMatch(t -> t.get("state").asText().equals("COMPLETE"));
    for (JsonNode t : trials) {
      assertThat(t.get("value").asDouble()).isEqualTo(t.get("params").get("x").asDouble());
      assertThat(t.get("params").get("n").asInt()).isBetween(1, 3);
      assertThat(t.has("durationSeconds")).isTrue();
    }
    double min = trials.stream().mapToDouble(t -> t.get("value").asDouble()).min().orElseThrow();
    assertThat(result.get("best").get("value").asDouble()).isEqualTo(min);
    assertThat(result.get("best").get("params").get("x").asDouble()).isEqualTo(min);
    assertThat(err.toString()).contains("trial 6/6", "best=");
  }

  @Test
  void failingProgramsFailTheirTrialAndTheGridStopsWhenDone() throws IOException {
    int exit = tune("{\"n\": {\"type\": \"int\", \"low\": 0, \"high\": 3}}",
        "--trials", "10", "--sampler", "grid", "--direction", "maximize",
        "--", "sh", "-c", "if [ {n} = 1 ]; then exit 3; fi; if [ {n} = 2 ]; then echo none;"
            + " exit 0; fi; echo {n}");

    assertThat(exit).as(err.toString()).isZero();
    List<JsonNode> trials = trials(result());
    assertThat(trials).hasSize(4);
    Map<Integer, String> states = new HashMap<>();
    trials.forEach(t -> states.put(t.get("params").get("n").asInt(), t.get("state").asText()));
    assertThat(states).containsExactlyInAnyOrderEntriesOf(
        Map.of(0, "COMPLETE", 1, "FAIL", 2, "FAIL", 3, "COMPLETE"));
    assertThat(result().get("best").get("value").asDouble()).isEqualTo(3.0);
    assertThat(err.toString()).contains("exit code 3", "no number on standard output");
  }

  @Test
  void aHangingProgramTimesOutAndFails() throws IOException {
    int exit = tune("{\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}",
        "--trials", "1", "--timeout", "300ms", "--", "sh", "-c", "sleep 30; echo 1");

    assertThat(exit).isEqualTo(ErrorHandler.FAILURE);
    JsonNode trial = trials(result()).get(0);
    assertThat(trial.get("state").asText()).isEqualTo("FAIL");
    assertThat(trial.get("userAttributes").get("error").asText()).startsWith("timed out");
    assertThat(trial.get("durationSeconds").asDouble()).isLessThan(10);
    assertThat(err.toString()).contains("no trial completed");
  }

  @Test
  void theMedianPrunerStopsWorseCurvesAndKillsTheirProgram() throws IOException {
    int exit = tune("{\"x\": {\"type\": \"int\", \"low\": 0, \"high\": 9}}",
        "--trials", "10", "--sampler", "grid", "--pruner", "median",
        "--", "sh", "-c", "echo 'serval.report 0 {x}'; sleep 0.1; echo 'serval.report 1 {x}'; echo {x}");

    assertThat(exit).as(err.toString()).isZero();
    List<JsonNode> trials = trials(result());
    List<JsonNode> pruned = trials.stream()
        .filter(t -> t.get("state").asText().equals("PRUNED")).toList();
    assertThat(pruned).isNotEmpty();
    double best = result().get("best").get("value").asDouble();
    assertThat(pruned).allMatch(t -> t.get("value").asDouble() > best)
        .allMatch(t -> t.get("intermediate").size() == 1);
  }

  @ParameterizedTest
  @CsvSource({"anneal, asha", "ga, hyperband"})
  void evolutionarySamplersWithSuccessiveHalvingPruneWorseCurves(String sampler, String pruner)
      throws IOException {
    int exit = tune("{\"x\": {\"type\": \"int\", \"low\": 0, \"high\": 9}}",
        "--trials", "12", "--sampler", sampler, "--pruner", pruner,
        "--reduction-factor", "2", "--max-resource", "2",
        "--", "sh", "-c", "echo 'serval.report 1 {x}'; echo 'serval.report 2 {x}'; echo {x}");

    assertThat(exit).as(err.toString()).isZero();
    List<JsonNode> pruned = trials(result()).stream()
        .filter(t -> t.get("state").asText().equals("PRUNED")).toList();
    assertThat(pruned).isNotEmpty();
    double best = result().get("best").get("value").asDouble();
    assertThat(pruned).allMatch(t -> t.get("value").asDouble() > best);
  }

  @Test
  void cancelKillsRunningProgramsAndFailsTheirTrials() throws Exception {
    SearchSpace space = SearchSpace.builder().add(FloatParam.uniform("x", 0, 1)).build();
    Study study = Study.builder().space(space).sampler(new RandomSampler()).build();
    CommandObjective objective = new CommandObjective(List.of("sh", "-c", "sleep 30; echo 1"),
        Set.of("x"), Optional.empty(), timer);
    Thread run = new Thread(() -> study.optimize(objective, 5));
    run.start();
    while (study.trials().isEmpty()) {
      Thread.sleep(10);
    }
    Thread.sleep(200);
    study.stop();
    objective.cancel();
    run.join(Duration.ofSeconds(10).toMillis());

    assertThat(run.isAlive()).isFalse();
    assertThat(study.trials()).singleElement()
        .extracting(FrozenTrial::state).isEqualTo(TrialState.FAIL);
  }

  @Test
  void placeholdersOfInactiveParamsBecomeEmptyAndOthersStay() {
    CommandObjective objective = new CommandObjective(
        List.of("run", "--lr={lr}", "--m={momentum}", "{print $1}"),
        Set.of("lr", "momentum"), Optional.empty(), timer);

    assertThat(objective.arguments(Map.of("lr", 0.01)))
        .containsExactly("run", "--lr=0.01", "--m=", "{print $1}");
  }

  @Test
  void aStudyInADatabaseResumesAndCountsItsTrialsTowardTrials() throws IOException {
    String space = "{\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}";
    String[] shared = {"--storage", "jdbc:h2:" + dir.resolve("studies"), "--study", "s",
        "--heartbeat", "5s", "--sampler", "random"};

    assertThat(tune(space, withTrials(3, shared))).as(err.toString()).isZero();
    assertThat(tune(space, withTrials(5, shared))).as(err.toString()).isZero();

    assertThat(trials(result())).extracting(t -> t.get("number").asInt())
        .containsExactly(0, 1, 2, 3, 4);
    assertThat(err.toString()).contains("trial 2/2 #4");
    assertThat(tune(space, withTrials(5, shared))).isZero();
    assertThat(err.toString()).contains("study s already has 5 trials (--trials 5)");
  }

  @Test
  void refusesToResumeAStudyWithAnotherDirection() throws IOException {
    String space = "{\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}";
    String[] shared = {"--storage", "jdbc:h2:" + dir.resolve("studies"), "--study", "s"};
    assertThat(tune(space, withTrials(1, shared))).as(err.toString()).isZero();

    List<String> maximize = new ArrayList<>(List.of(withTrials(1, shared)));
    maximize.add(0, "--direction");
    maximize.add(1, "maximize");
    int exit = tune(space, maximize.toArray(String[]::new));

    assertThat(exit).isEqualTo(ErrorHandler.FAILURE);
    assertThat(err.toString())
        .contains("study s exists with direction MINIMIZE, not MAXIMIZE; use another study name");
  }

  @Test
  void aStorageNeedsAStudyName() throws IOException {
    int exit = tune("{\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}",
        withTrials(1, "--storage", "jdbc:h2:" + dir.resolve("studies")));

    assertThat(exit).isEqualTo(ErrorHandler.USAGE);
    assertThat(err.toString()).contains("--storage needs --study NAME");
  }

  /** {@code --trials n}, the options, and a program that prints x. */
  private static String[] withTrials(int n, String... options) {
    List<String> args = new ArrayList<>(List.of("--trials", String.valueOf(n)));
    args.addAll(List.of(options));
    args.addAll(List.of("--", "sh", "-c", "echo {x}"));
    return args.toArray(String[]::new);
  }

  @Test
  void rejectsABadTimeout() throws IOException {
    int exit = tune("{\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}",
        "--trials", "1", "--timeout", "soon", "--", "true");

    assertThat(exit).isEqualTo(ErrorHandler.USAGE);
    assertThat(err.toString()).contains("--timeout must be a positive number");
  }
}
