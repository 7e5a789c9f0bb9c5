package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  /** Where the servers a test starts directly print their progress, which no test reads. */
  private final PrintStream console = new PrintStream(OutputStream.nullOutputStream());

  private int run(String... args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private ServerLauncher startOnAFreePort(Path repository, Path data) {
    return startOnAFreePort(repository, data, console);
  }

  /** A server as {@code serve} starts it, with its registry in {@code data}. */
  static ServerLauncher startOnAFreePort(Path repository, Path data, PrintStream console) {
    ListenOptions listen = new ListenOptions();
    listen.host = "127.0.0.1";
    listen.port = 0;
    return ServerLauncher.start(
        repository, new RegistryOptions().open(data), listen, new ServingOptions(), console);
  }

  @Test
  void helpListsEveryCommand() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("serve", "demo", "models", "bench", "help");
  }

  @Test
  void unknownFlagIsAUsageErrorWithoutStackTrace() {
    assertThat(run("serve", "--model-repository", ".", "--bogus")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--bogus'").doesNotContain("Exception");
  }

  @Test
  void missingCommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("missing command");
  }

  @Test
  void missingRepositoryFolderIsExplained(@TempDir Path dir) {
    Path missing = dir.resolve("nope");
    assertThat(run("serve", "--model-repository", missing.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("--model-repository " + missing + " is not a folder")
        .doesNotContain("Exception");
  }

  @Test
  void portOutOfRangeIsRejected(@TempDir Path dir) {
    assertThat(run("serve", "--model-repository", dir.toString(), "--port", "70000"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--port must be between 0 and 65535 but was 70000");
  }

  @Test
  void demoModelAnswersTheSampleRequest(@TempDir Path dir) throws Exception {
    Path repository = dir.resolve("models");
    Path sample = dir.resolve("sample-request.json");
    DemoCommand.writeDemo(repository, sample);
    ServerLauncher launcher = startOnAFreePort(repository, dir.resolve("data"));
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + launcher.port() + "/v2/models/mlp/infer"))
                      .POST(HttpRequest.BodyPublishers.ofString(Files.readString(sample)))
                      .header("Content-Type", "application/json")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body())
          .contains("\"id\":\"demo-1\"", "\"name\":\"probabilities\"", "\"shape\":[1,10]");
    } finally {
      launcher.close(console);
    }
  }

  @Test
  void secondServerOnTheSamePortGetsAClearError(@TempDir Path dir) throws Exception {
    Path repository = Files.createDirectories(dir.resolve("models"));
    ServerLauncher first = startOnAFreePort(repository, dir.resolve("data"));
    try {
      assertThat(run("serve", "--model-repository", repository.toString(),
              "--data", dir.resolve("other-data").toString(), "--port",
              String.valueOf(first.port())))
          .isEqualTo(2);
      assertThat(err.toString()).contains("could not listen on 127.0.0.1:" + first.port());
    } finally {
      first.close(console);
    }
  }

  @Test
  void dataThatIsAFileIsAUsageError(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("data.txt"), "not a folder");
    assertThat(run("serve", "--model-repository", dir.toString(), "--data", file.toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--data " + file + " is a file")
        .doesNotContain("Exception");
  }

  @Test
  void dbThatIsNotAJdbcUrlIsAUsageError(@TempDir Path dir) {
    assertThat(run("serve", "--model-repository", dir.toString(),
            "--data", dir.resolve("data").toString(), "--db", "postgres://localhost/serval"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--db must be a JDBC URL");
  }

  @Test
  void unreachableDatabaseIsAFailureWithoutStackTrace(@TempDir Path dir) {
    // A database that cannot be opened: an H2 URL below a regular file.
    Path data = dir.resolve("data");
    assertThat(run("serve", "--model-repository", dir.toString(), "--data", data.toString(),
            "--db", "jdbc:h2:file:" + dir.resolve("data.txt/nested/db") + ";IFEXISTS=TRUE"))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("serval: cannot open the database jdbc:h2:file:")
        .doesNotContain("Exception");
  }
}
