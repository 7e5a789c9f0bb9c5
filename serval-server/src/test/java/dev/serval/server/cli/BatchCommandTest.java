package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serval.runtime.onnx.SampleModels;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serval batch} against a server started as {@code serve} starts it. */
class BatchCommandTest {
  private static final String LINE = "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\","
      + " \"shape\": [1, 8], \"data\": [1, 2, 3, 4, 5, 6, 7, 8]}]}";

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private ServerLauncher server;
  private String url;

  @BeforeEach
  void start() {
    Path repository = dir.resolve("models");
    SampleModels.write(SampleModels.mlp(8, new int[] {4}, 3, 1),
        repository.resolve("mlp/1/model.onnx"));
    server = CommandLineTest.startOnAFreePort(repository, dir.resolve("data"),
        new PrintStream(OutputStream.nullOutputStream()));
    url = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close(new PrintStream(OutputStream.nullOutputStream()));
  }

  private int run(String... args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void submitWaitsShowingProgressAndWritesOneAnswerPerLine() throws Exception {
    Path file = Files.writeString(dir.resolve("requests.jsonl"), LINE + "\nnot json\n" + LINE);
    Path output = dir.resolve("answers.jsonl");

    int code = run("batch", "submit", "mlp", file.toString(), "--wait", "--interval", "0.1",
        "--output", output.toString(), "--server", url);

    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString()).contains("SUCCEEDED 3/3 lines (mlp)");
    List<String> answers = Files.readAllLines(output);
    assertThat(answers).hasSize(3);
    assertThat(answers.get(0)).startsWith("{\"model_name\":\"mlp\"").isEqualTo(answers.get(2));
    assertThat(answers.get(1)).startsWith("{\"error\":\"malformed JSON");
  }

  @Test
  void statusAndFetchFollowASubmittedBatch() throws Exception {
    Path file = Files.writeString(dir.resolve("requests.jsonl"), LINE + "\n");
    assertThat(run("batch", "submit", "mlp", file.toString(), "--server", url)).isZero();
    String id = out.toString().trim();

    await().until(() -> {
      out.getBuffer().setLength(0);
      run("batch", "status", id, "--server", url);
      return out.toString().contains("SUCCEEDED");
    });
    out.getBuffer().setLength(0);
    assertThat(run("batch", "fetch", id, "--server", url)).isZero();

    assertThat(out.toString()).startsWith("{\"model_name\":\"mlp\"").endsWith("}\n");
  }

  @Test
  void fetchOfAnUnknownBatchSaysSo() {
    assertThat(run("batch", "fetch", "nope", "--server", url)).isEqualTo(1);
    assertThat(err.toString()).contains("no asynchronous request 'nope'");
  }
}
