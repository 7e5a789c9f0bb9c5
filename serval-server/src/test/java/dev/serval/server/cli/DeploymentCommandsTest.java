package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Canary deploys, promote and rollback from the command line, live once they answer. */
class DeploymentCommandsTest {
  private static final PrintStream CONSOLE = new PrintStream(OutputStream.nullOutputStream());
  private static final Pattern VERSION = Pattern.compile("\"model_version\":\"(\\d+)\"");
  private static final String REQUEST = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
      + "\"shape\":[1,4],\"data\":[0.1,0.2,0.3,0.4]}]}";

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private ServerLauncher server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close(CONSOLE);
    }
  }

  @Test
  void canaryPromoteAndRollbackServeAsSoonAsTheyAnswer() throws Exception {
    server = start(new ServingOptions());
    pushVersions(2);

    assertThat(cli("models", "deploy", "iris", "1=80", "2=20")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("iris: v1 80%, v2 20%");
    Map<String, Integer> split = answeringVersions(300);
    assertThat(split.keySet()).containsExactlyInAnyOrder("1", "2");
    assertThat(split.get("1")).isBetween(180, 290);

    assertThat(cli("models", "promote", "iris", "2")).as(err.toString()).isZero();
    assertThat(answeringVersions(20)).containsOnlyKeys("2");
    assertThat(cli("models", "get", "iris", "--json")).isZero();
    assertThat(out.toString()).contains("\"production\" : 2");

    assertThat(cli("models", "rollback", "iris")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("iris: v1 80%, v2 20%");
    assertThat(answeringVersions(100)).containsOnlyKeys("1", "2");

    assertThat(cli("models", "deployment", "iris")).isZero();
    assertThat(out.toString()).contains("rollback to revision 1", "promote version 2", "deploy");

    assertThat(cli("models", "undeploy", "iris")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("iris: newest READY version (no deployment)");
    assertThat(answeringVersions(20)).containsOnlyKeys("2");
  }

  @Test
  void aDeploymentOverTheMemoryBudgetIsRefusedAndNothingChanges() throws Exception {
    ServingOptions serving = new ServingOptions();
    long oneVersion = 2 * SampleModels.mlp(4, new int[] {8}, 3, 1).length + 128 * 1024;
    // a swap holds two versions until the old one drains; three never fit
    serving.memoryBudget = Long.toString(2 * oneVersion + oneVersion / 2);
    server = start(serving);
    pushVersions(3);

    assertThat(cli("models", "deploy", "iris", "1", "2", "3")).isEqualTo(1);
    assertThat(err.toString()).contains("memory budget");

    assertThat(answeringVersions(20)).containsOnlyKeys("3");
    assertThat(cli("models", "deployment", "iris")).isZero();
    assertThat(out.toString()).contains("iris: newest READY version (no deployment)");
  }

  @Test
  void anAliasAnswersAsSoonAsItsCommandReturns() throws Exception {
    server = start(new ServingOptions());
    pushVersions(2);

    assertThat(cli("models", "alias", "iris", "production", "1")).as(err.toString()).isZero();
    assertThat(infer("/versions/production")).contains("\"model_version\":\"1\"");

    assertThat(cli("models", "alias", "iris", "production", "2")).as(err.toString()).isZero();
    assertThat(infer("/versions/production")).contains("\"model_version\":\"2\"");
  }

  @Test
  void refusesMalformedTargets() {
    server = start(new ServingOptions());
    assertThat(cli("models", "deploy", "iris", "one=50")).isEqualTo(2);
    assertThat(err.toString()).contains("VERSION must be a number >= 1");
  }

  private ServerLauncher start(ServingOptions serving) {
    ListenOptions listen = new ListenOptions();
    listen.host = "127.0.0.1";
    listen.port = 0;
    try {
      return ServerLauncher.start(Files.createDirectories(dir.resolve("models")),
          new RegistryOptions().open(dir.resolve("data")), listen, serving, CONSOLE);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void pushVersions(int count) throws IOException {
    for (int version = 1; version <= count; version++) {
      Path file = dir.resolve("v" + version + ".onnx");
      SampleModels.write(SampleModels.mlp(4, new int[] {8}, 3, version), file);
      assertThat(cli("models", "push", "iris", file.toString())).as(err.toString()).isZero();
    }
  }

  private int cli(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    String[] withServer = new String[args.length + 2];
    System.arraycopy(args, 0, withServer, 0, args.length);
    withServer[args.length] = "--server";
    withServer[args.length + 1] = "http://127.0.0.1:" + server.port();
    return cmd.execute(withServer);
  }

  private String infer(String version) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + server.port() + "/v2/models/iris" + version + "/infer"))
            .POST(HttpRequest.BodyPublishers.ofString(REQUEST))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  private Map<String, Integer> answeringVersions(int requests) throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + server.port() + "/v2/models/iris/infer"))
              .POST(HttpRequest.BodyPublishers.ofString(REQUEST))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      Matcher version = VERSION.matcher(response.body());
      assertThat(version.find()).isTrue();
      counts.merge(version.group(1), 1, Integer::sum);
    }
    return counts;
  }
}
