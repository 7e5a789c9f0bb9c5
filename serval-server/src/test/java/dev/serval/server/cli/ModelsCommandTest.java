package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code models} commands against one real server; each test uses its own model names. */
class ModelsCommandTest {
  private static final PrintStream CONSOLE = new PrintStream(OutputStream.nullOutputStream());
  @TempDir static Path dir;
  private static ServerLauncher server;
  private static Path mlp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startServer() throws IOException {
    server = CommandLineTest.startOnAFreePort(
        Files.createDirectories(dir.resolve("repository")), dir.resolve("data"), CONSOLE);
    mlp = dir.resolve("mlp.onnx");
    SampleModels.write(SampleModels.mlp(4, new int[] {8}, 3, 1), mlp);
  }

  @AfterAll
  static void stopServer() {
    server.close(CONSOLE);
  }

  private int models(String... args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    String[] full = new String[args.length + 3];
    full[0] = "models";
    System.arraycopy(args, 0, full, 1, args.length);
    full[args.length + 1] = "--server";
    full[args.length + 2] = "http://127.0.0.1:" + server.port();
    return cmd.execute(full);
  }

  private void push(String model) {
    assertThat(models("push", model, mlp.toString())).isZero();
  }

  @Test
  void pushedModelIsReadyAndShownByListVersionsAndGet() {
    assertThat(models("push", "iris", mlp.toString(), "--description", "first try",
            "--tag", "team=ml"))
        .isZero();
    assertThat(out.toString()).contains("iris v1: READY");

    assertThat(models("list", "--prefix", "ir")).isZero();
    assertThat(out.toString()).containsPattern("(?m)^iris\\s");
    assertThat(models("versions", "iris")).isZero();
    assertThat(out.toString()).containsPattern("(?m)^1\\s+READY\\s").contains("first try");
    assertThat(models("get", "iris")).isZero();
    assertThat(out.toString()).contains("Model:       iris", "VERSION", "READY");
  }

  @Test
  void jsonPrintsTheServersAnswer() {
    push("as-json");
    assertThat(models("versions", "as-json", "--json")).isZero();
    assertThat(out.toString()).contains("\"versions\"", "\"state\" : \"READY\"");
  }

  @Test
  void brokenFileFailsValidationWithItsReason() throws IOException {
    Path broken = Files.writeString(dir.resolve("broken.onnx"), "not a model");
    assertThat(models("push", "broken", broken.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("broken v1: FAILED - ");
  }

  @Test
  void aliasedVersionCannotBeDeletedUntilTheAliasIsRemoved() {
    push("aliased");
    assertThat(models("alias", "aliased", "production", "1")).isZero();
    assertThat(out.toString()).contains("aliased: production -> v1");
    assertThat(models("get", "aliased")).isZero();
    assertThat(out.toString()).contains("production=v1");

    assertThat(models("delete", "aliased", "1")).isEqualTo(1);
    assertThat(err.toString())
        .contains("serval: version 1 of model 'aliased' is used by alias 'production'")
        .doesNotContain("Exception");

    assertThat(models("alias", "aliased", "production", "--remove")).isZero();
    assertThat(models("delete", "aliased", "1")).isZero();
    assertThat(out.toString()).contains("Deleted aliased v1.");
  }

  @Test
  void pushTagsReachTheVersion() {
    assertThat(models("push", "pushed-tags", mlp.toString(), "--tag", "team=ml", "--tag",
            "stage=dev"))
        .isZero();

    assertThat(models("versions", "pushed-tags", "--json")).isZero();
    assertThat(out.toString()).contains("\"stage\" : \"dev\"", "\"team\" : \"ml\"");
  }

  @Test
  void describeReplacesModelAndVersionDescriptions() {
    push("described");

    assertThat(models("describe", "described", "iris classifier")).isZero();
    assertThat(out.toString()).contains("described: iris classifier");
    assertThat(models("describe", "described:1", "first cut")).isZero();
    assertThat(models("versions", "described", "--json")).isZero();
    assertThat(out.toString()).contains("\"description\" : \"first cut\"");
    assertThat(models("describe", "described:9", "nothing")).isEqualTo(1);
    assertThat(err.toString()).contains("9");
  }

  @Test
  void pushRecordsLineage() {
    push("base");
    assertThat(models("push", "derived", mlp.toString(), "--parent", "base:1", "--transform",
            "quantize-int8", "--job", "job-7"))
        .isZero();

    assertThat(models("versions", "derived", "--json")).isZero();
    assertThat(out.toString()).contains("\"parent_model\" : \"base\"",
        "\"parent_version\" : 1", "\"transform\" : \"quantize-int8\"", "\"job_id\" : \"job-7\"");
    assertThat(models("push", "derived", mlp.toString(), "--parent", "base")).isEqualTo(1);
    assertThat(err.toString()).contains("parent must be MODEL:VERSION but was 'base'");
  }

  @Test
  void tagAndUntagChangeModelAndVersionTags() {
    push("tagged");

    assertThat(models("tag", "tagged", "team=search", "tier=gold")).isZero();
    assertThat(out.toString()).contains("tagged tags: team=search, tier=gold");
    assertThat(models("tag", "tagged:1", "stage=prod")).isZero();
    assertThat(out.toString()).contains("tagged:1 tags: stage=prod");
    assertThat(models("untag", "tagged", "tier")).isZero();
    assertThat(out.toString()).contains("tagged tags: team=search");
    assertThat(models("list", "--tag", "team=search")).isZero();
    assertThat(out.toString()).containsPattern("(?m)^tagged\\s");
    assertThat(models("untag", "tagged:1", "stage")).isZero();
    assertThat(out.toString()).containsPattern("(?m)^tagged:1 tags: $");
  }

  @Test
  void tagNeedsKeyValueAndAVersionNumber() {
    assertThat(models("tag", "any", "novalue")).isEqualTo(2);
    assertThat(err.toString()).contains("KEY=VALUE", "'novalue'");
    assertThat(models("tag", "any:latest", "k=v")).isEqualTo(2);
    assertThat(err.toString()).contains("'any:latest'");
  }

  @Test
  void aliasWithoutVersionIsAUsageError() {
    assertThat(models("alias", "any", "production")).isEqualTo(2);
    assertThat(err.toString()).contains("missing VERSION");
  }

  @Test
  void unknownModelIsReportedWithTheServersMessage() {
    assertThat(models("get", "no-such-model")).isEqualTo(1);
    assertThat(err.toString()).startsWith("serval: ").contains("no-such-model");
  }

  @Test
  void missingFileIsAUsageError() {
    assertThat(models("push", "missing", dir.resolve("nope.onnx").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("is not a readable file");
  }

  @Test
  void unreachableServerIsExplained() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CommandLine cmd = Main.commandLine();
    cmd.setErr(new PrintWriter(err, true));
    String url = "http://127.0.0.1:" + closedPort;
    assertThat(cmd.execute("models", "list", "--server", url)).isEqualTo(1);
    assertThat(err.toString())
        .contains("serval: cannot reach the server at " + url
            + "; start it with ./serval serve or set --server");
  }
}
