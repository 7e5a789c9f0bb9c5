package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
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
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A pushed version serves once validated: each model answers with its newest READY version. */
class ServesReadyVersionsTest {
  private static final PrintStream CONSOLE = new PrintStream(OutputStream.nullOutputStream());
  private static final String REQUEST = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
      + "\"shape\":[1,4],\"data\":[0.1,0.2,0.3,0.4]}]}";
  private static final Duration LIVE = Duration.ofSeconds(5);

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void pushedVersionsServeOnceReadyAndAFailedPushChangesNothing() throws Exception {
    Path mlp = write("mlp.onnx", SampleModels.mlp(4, new int[] {8}, 3, 1));
    Path wider = write("wider.onnx", SampleModels.mlp(4, new int[] {16}, 3, 2));
    Path broken = Files.writeString(dir.resolve("broken.onnx"), "not a model");
    ServerLauncher server = start(dir.resolve("repository"));
    try {
      assertThat(push(server, "iris", mlp)).isZero();
      await().atMost(LIVE).untilAsserted(() -> assertServes(server, "iris", "1"));

      assertThat(push(server, "iris", wider)).isZero();
      await().atMost(LIVE).untilAsserted(() -> assertServes(server, "iris", "2"));

      assertThat(push(server, "iris", broken)).isEqualTo(1);
      assertServes(server, "iris", "2");
      assertThat(dir.resolve("repository/iris/3")).doesNotExist();
    } finally {
      server.close(CONSOLE);
    }
  }

  @Test
  void readyVersionsMissingFromTheRepositoryServeAfterARestart() throws Exception {
    Path mlp = write("mlp.onnx", SampleModels.mlp(4, new int[] {8}, 3, 1));
    ServerLauncher first = start(dir.resolve("repository"));
    try {
      assertThat(push(first, "kept", mlp)).isZero();
    } finally {
      first.close(CONSOLE);
    }

    ServerLauncher second = start(dir.resolve("empty-repository"));
    try {
      assertServes(second, "kept", "1");
    } finally {
      second.close(CONSOLE);
    }
  }

  private ServerLauncher start(Path repository) throws IOException {
    return CommandLineTest.startOnAFreePort(
        Files.createDirectories(repository), dir.resolve("data"), CONSOLE);
  }

  private Path write(String name, byte[] model) throws IOException {
    Path file = dir.resolve(name);
    SampleModels.write(model, file);
    return file;
  }

  private static int push(ServerLauncher server, String model, Path file) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    cmd.setErr(new PrintWriter(new StringWriter(), true));
    return cmd.execute("models", "push", model, file.toString(),
        "--server", "http://127.0.0.1:" + server.port());
  }

  private void assertServes(ServerLauncher server, String model, String version)
      throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + server.port() + "/v2/models/" + model + "/infer"))
            .POST(HttpRequest.BodyPublishers.ofString(REQUEST))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("\"model_version\":\"" + version + "\"");
  }
}
