package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code jobs} commands against a real server with an embedded worker. */
class JobsCommandTest extends JobServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path mlp;

  @BeforeAll
  static void writeModel() throws IOException {
    mlp = dir.resolve("mlp.onnx");
    SampleModels.write(SampleModels.mlp(4, new int[] {8}, 3, 1), mlp);
  }

  /** {@code jobs SUBCOMMAND --server=URL ARGS...}: before any {@code --} that ends the options. */
  private int jobs(String... args) {
    java.util.List<String> full = new java.util.ArrayList<>(java.util.List.of("jobs", args[0],
        "--server=" + url()));
    full.addAll(java.util.Arrays.asList(args).subList(1, args.length));
    return cli(full);
  }

  private JsonNode get(String id) throws IOException {
    out.getBuffer().setLength(0);
    assertThat(jobs("get", id, "--json")).isZero();
    return JSON.readTree(out.toString());
  }

  private String submit(String... args) {
    out.getBuffer().setLength(0);
    assertThat(jobs(args)).as(err.toString()).isZero();
    return out.toString().trim();
  }

  @Test
  void submitWaitFollowsTheLogAndPushesTheOutputModel() {
    int code = jobs("submit", "--name", "train", "--param", "name=mlp", "--wait",
        "--output-model", "cli-trained={output_dir}/{name}.onnx", "--",
        "sh", "-c", "echo training {name}; echo serval.metric loss 0.5; cp " + mlp
            + " {output_dir}/{name}.onnx");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("training mlp\n");
    assertThat(err.toString()).contains(": SUCCEEDED, attempt 1, exit code 0",
        "pushed cli-trained v1");
    CommandLine models = Main.commandLine();
    StringWriter versions = new StringWriter();
    models.setOut(new PrintWriter(versions, true));
    assertThat(models.execute("models", "versions", "cli-trained", "--server",
        url())).isZero();
    assertThat(versions.toString()).containsPattern("(?m)^1\\s+READY\\s.*made by job ");
  }

  @Test
  void getShowsTheJobAsJsonWithStateReasonAndExitCode() throws IOException {
    String id = submit("submit", "--name", "fails", "--", "sh", "-c", "exit 4");
    Awaitility.await().until(() -> get(id).path("state").asText().equals("FAILED"));

    JsonNode job = get(id);
    assertThat(job.path("exit_code").asInt()).isEqualTo(4);
    assertThat(job.path("reason").asText()).isEqualTo("exited with code 4");
    assertThat(job.path("command").toString()).isEqualTo("[\"sh\",\"-c\",\"exit 4\"]");
  }

  @Test
  void logsAndMetricsOfAFinishedJob() throws IOException {
    String id = submit("submit", "--name", "metrics", "--", "sh", "-c",
        "echo one; echo serval.metric acc 0.75 5");
    Awaitility.await().until(() -> get(id).path("state").asText().equals("SUCCEEDED"));

    out.getBuffer().setLength(0);
    assertThat(jobs("logs", id)).isZero();
    assertThat(out.toString()).isEqualTo("one\nserval.metric acc 0.75 5\n");
    out.getBuffer().setLength(0);
    assertThat(jobs("metrics", id)).isZero();
    assertThat(out.toString())
        .containsPattern("(?m)^acc\\s+5\\s+0\\.75\\s+0\\.75\\s+0\\.75\\s+1\\s+\\S$");
  }

  @Test
  void metricsTableShowsLatestValuesAndTrendsAndPlotWritesTheServersChart() throws Exception {
    String id = submit("submit", "--name", "curves", "--", "sh", "-c",
        "for s in 1 2 3 4; do echo serval.metric loss $((8 / s)) $s; done;"
            + " echo serval.metric val_acc 0.9 4");
    Awaitility.await().until(() -> get(id).path("state").asText().equals("SUCCEEDED"));
    Path plot = dir.resolve("plots/curves.svg");
    out.getBuffer().setLength(0);

    assertThat(jobs("metrics", id, "--plot", plot.toString())).as(err.toString()).isZero();

    String levels = Sparkline.levels();
    assertThat(out.toString())
        .containsPattern("(?m)^METRIC\\s+STEP\\s+VALUE\\s+MIN\\s+MAX\\s+POINTS\\s+TREND$")
        .containsPattern("(?m)^loss\\s+4\\s+2\\s+2\\s+8\\s+4\\s+" + levels.charAt(7)
            + levels.charAt(2) + levels.charAt(0) + levels.charAt(0) + "$")
        .containsPattern("(?m)^val_acc\\s+4\\s+0\\.9\\s+")
        .contains("Wrote the chart to " + plot);
    HttpResponse<String> chart = http(id + "/metrics.svg");
    assertThat(chart.statusCode()).isEqualTo(200);
    assertThat(chart.headers().firstValue("content-type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("image/svg+xml"));
    assertThat(Files.readString(plot)).isEqualTo(chart.body())
        .startsWith("<svg ").contains("Job curves (" + id + "), attempt 1",
            ">loss  last 2 at step 4</text>", ">val_acc  last 0.9 at step 4</text>");
    assertThat(http(id + "/metrics.svg?metric=val_acc").body())
        .contains(">val_acc  last").doesNotContain(">loss ");
  }

  @Test
  void chartOfAJobWithoutMetricsSaysSoAndBadRequestsAreRefused() throws Exception {
    String id = submit("submit", "--name", "quiet", "--", "true");
    Awaitility.await().until(() -> get(id).path("state").asText().equals("SUCCEEDED"));

    assertThat(http(id + "/metrics.svg").body()).contains("No metrics yet");
    assertThat(http("0000000000000000/metrics.svg").statusCode()).isEqualTo(404);
    Path plot = dir.resolve("plots/quiet.svg");
    out.getBuffer().setLength(0);
    assertThat(jobs("metrics", id, "--plot", plot.toString())).isZero();
    assertThat(out.toString()).contains("has no metrics yet in attempt 1",
        "Wrote the chart to " + plot);
    assertThat(Files.readString(plot)).contains("No metrics yet");

    String other = submit("submit", "--name", "one", "--", "sh", "-c", "echo serval.metric a 1");
    Awaitility.await().until(() -> get(other).path("state").asText().equals("SUCCEEDED"));
    HttpResponse<String> missing = http(other + "/metrics.svg?metric=nope");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("has no metric 'nope' in attempt 1; it has a");
    assertThat(http(other + "/metrics.svg?colour=red").statusCode()).isEqualTo(400);
    assertThat(jobs("metrics", other, "--metric", "nope")).isEqualTo(1);
    assertThat(err.toString()).contains("job " + other + " has no metric 'nope'; it has a");
  }

  private static HttpResponse<String> http(String jobPath) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(url() + "/api/v1/jobs/" + jobPath)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void logsFollowStreamsWhileTheJobRunsAndCancelStopsIt() throws Exception {
    String id = submit("submit", "--name", "forever", "--", "sh", "-c",
        "echo started; sleep 300");
    StringWriter followed = new StringWriter();
    Thread follower = new Thread(() -> {
      CommandLine cmd = Main.commandLine();
      cmd.setOut(new PrintWriter(followed, true));
      cmd.setErr(new PrintWriter(new StringWriter(), true));
      cmd.execute("jobs", "logs", id, "-f", "--server", url());
    });
    follower.start();
    Awaitility.await().until(() -> followed.toString().contains("started"));
    assertThat(follower.isAlive()).isTrue();

    assertThat(jobs("cancel", id)).isZero();
    follower.join(Duration.ofSeconds(30).toMillis());

    assertThat(follower.isAlive()).isFalse();
    assertThat(get(id).path("state").asText()).isEqualTo("CANCELLED");
  }

  @Test
  void badInputIsRefusedWithAClearMessage() {
    assertThat(jobs("submit", "--name", "bad", "--", "echo", "{lr}")).isEqualTo(1);
    assertThat(err.toString()).contains("uses {lr} but no parameter 'lr' was given");
    assertThat(jobs("submit", "--name", "bad", "--output-model", "m=../x.onnx", "--", "true"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("must not contain '..'");
    assertThat(jobs("submit", "--name", "bad", "--timeout", "soon", "--", "true")).isEqualTo(2);
    assertThat(err.toString()).contains("--timeout must be a duration");
    assertThat(jobs("get", "0000000000000000")).isEqualTo(1);
    assertThat(err.toString()).contains("no job '0000000000000000'");
  }

  @Test
  void listShowsJobsNewestFirst() {
    String first = submit("submit", "--name", "listed-a", "--", "true");
    String second = submit("submit", "--name", "listed-b", "--", "true");
    out.getBuffer().setLength(0);

    assertThat(jobs("list", "--limit", "500")).isZero();
    assertThat(out.toString()).containsSubsequence(second, first);
  }
}
