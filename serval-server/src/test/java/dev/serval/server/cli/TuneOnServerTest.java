package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serval tune --server}: the trial loop of a study a real server holds. */
class TuneOnServerTest {
  private static final PrintStream CONSOLE = new PrintStream(OutputStream.nullOutputStream());
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SPACE = "{\"x\": {\"type\": \"int\", \"low\": 0, \"high\": 9}}";
  @TempDir static Path dir;
  private static ServerLauncher server;
  private static String url;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startServer() throws IOException {
    server = CommandLineTest.startOnAFreePort(
        Files.createDirectories(dir.resolve("repository")), dir.resolve("data"), CONSOLE);
    url = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stopServer() {
    server.close(CONSOLE);
  }

  private int tune(String study, String... args) throws IOException {
    Path space = Files.writeString(dir.resolve(study + "-space.json"), SPACE);
    List<String> all = new ArrayList<>(List.of("tune", "--server", url, "--study", study,
        "--space", space.toString()));
    all.addAll(List.of(args));
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(all.toArray(String[]::new));
  }

  private static JsonNode study(String name) {
    return new ServalClient(url, null).get("/api/v1/studies/" + name);
  }

  @Test
  void runsTrialsOfTheServersStudyAndAJoiningRunCountsThemTowardItsTotal() throws IOException {
    int first = tune("shared", "--trials", "4", "--parallel", "2", "--sampler", "random",
        "--seed", "3", "--direction", "maximize", "--", "sh", "-c", "echo {x}");
    int second = tune("shared", "--trials", "6", "--", "sh", "-c", "echo {x}");

    assertThat(first).as(err.toString()).isZero();
    assertThat(second).as(err.toString()).isZero();
    JsonNode study = study("shared");
    assertThat(study.get("n_trials").asInt()).isEqualTo(6);
    assertThat(study.get("sampler").asText()).isEqualTo("random");
    assertThat(study.get("direction").asText()).isEqualTo("maximize");
    assertThat(study.at("/trial_counts/COMPLETE").asInt()).isEqualTo(6);
    assertThat(err.toString()).contains("trial 4/4", "trial 2/2", "6 of 6 trials completed");
    assertThat(out.toString()).contains("best value " + study.get("best_value").asDouble());
  }

  @Test
  void theServersPrunerStopsWorseCurvesAndTheOutputFileListsEveryTrial() throws IOException {
    Path output = dir.resolve("pruned.json");
    int exit = tune("pruned", "--trials", "10", "--sampler", "grid", "--seed", "1", "--pruner",
        "median",
        "--output", output.toString(), "--", "sh", "-c",
        "echo 'serval.report 0 {x}'; sleep 0.1; echo 'serval.report 1 {x}'; echo {x}");

    assertThat(exit).as(err.toString()).isZero();
    JsonNode result = MAPPER.readTree(output.toFile());
    List<JsonNode> trials = StreamSupport.stream(result.get("trials").spliterator(), false)
        .toList();
    assertThat(trials).hasSize(10);
    List<JsonNode> pruned = trials.stream()
        .filter(t -> t.get("state").asText().equals("PRUNED")).toList();
    assertThat(pruned).isNotEmpty()
        .allMatch(t -> t.get("value").asDouble() > result.at("/best/value").asDouble());
    assertThat(study("pruned").at("/pruner/type").asText()).isEqualTo("median");
  }

  @Test
  void failingProgramsAreToldFailWithTheirReason() throws IOException {
    int exit = tune("failing", "--trials", "10", "--sampler", "grid", "--", "sh", "-c",
        "if [ {x} = 0 ]; then exit 3; fi; echo {x}");

    assertThat(exit).as(err.toString()).isZero();
    JsonNode failed = new ServalClient(url, null).get("/api/v1/studies/failing/trials?state=fail");
    assertThat(failed.at("/trials/0/user_attrs/error").asText()).isEqualTo("exit code 3");
  }

  @Test
  void aConflictingDefinitionFailsWithTheServersReason() throws IOException {
    assertThat(tune("conflict", "--trials", "1", "--", "sh", "-c", "echo 1")).isZero();

    int exit = tune("conflict", "--trials", "2", "--sampler", "gp", "--", "sh", "-c", "echo 1");

    assertThat(exit).isEqualTo(ErrorHandler.FAILURE);
    assertThat(err.toString()).contains("exists with sampler auto, not gp");
  }

  @Test
  void needsAStudyNameAndNoStorage() throws IOException {
    CommandLine cmd = Main.commandLine();
    cmd.setErr(new PrintWriter(err, true));
    Path space = Files.writeString(dir.resolve("space.json"), SPACE);

    int exit = cmd.execute("tune", "--server", url, "--space", space.toString(), "--trials",
        "1", "--", "echo", "1");

    assertThat(exit).isEqualTo(ErrorHandler.USAGE);
    assertThat(err.toString()).contains("--server needs --study NAME");
  }
}
