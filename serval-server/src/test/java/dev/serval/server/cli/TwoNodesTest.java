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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Two servers sharing a PostgreSQL database and an artifact folder, with registry events on the
 * local RabbitMQ: what is pushed, aliased or deployed on one node serves on the other within a
 * second.
 */
@Tag("it")
class TwoNodesTest {
  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final PrintStream CONSOLE = new PrintStream(OutputStream.nullOutputStream());
  private static final Duration WITHIN = Duration.ofSeconds(1);

  @TempDir Path dir;
  private String schema;
  private ServerLauncher a;
  private ServerLauncher b;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void startTwoNodes() throws SQLException, IOException {
    schema = "nodes_" + UUID.randomUUID().toString().replace("-", "");
    sql("CREATE SCHEMA " + schema);
    a = node("a");
    b = node("b");
  }

  @AfterEach
  void stop() throws SQLException {
    if (a != null) {
      a.close(CONSOLE);
    }
    if (b != null) {
      b.close(CONSOLE);
    }
    sql("DROP SCHEMA " + schema + " CASCADE");
  }

  @Test
  void aPushAndADeploymentOnOneNodeServeOnTheOther() throws Exception {
    Path first = dir.resolve("first.onnx");
    SampleModels.write(SampleModels.mlp(4, new int[] {8}, 3, 1), first);
    Path second = dir.resolve("second.onnx");
    SampleModels.write(SampleModels.mlp(4, new int[] {8}, 3, 2), second);

    assertThat(cli("models", "push", "iris", first.toString(), "--server", url(a))).isZero();
    await().atMost(WITHIN).untilAsserted(() -> assertThat(infer(b, "")).contains(version("1")));

    assertThat(cli("models", "push", "iris", second.toString(), "--server", url(a))).isZero();
    await().atMost(WITHIN).untilAsserted(() -> assertThat(infer(b, "")).contains(version("2")));

    assertThat(cli("models", "alias", "iris", "production", "1", "--server", url(a))).isZero();
    await().atMost(WITHIN).untilAsserted(() ->
        assertThat(infer(b, "/versions/production")).contains(version("1")));
  }

  private ServerLauncher node(String name) throws IOException {
    RegistryOptions registry = new RegistryOptions();
    registry.db = POSTGRES + "?currentSchema=" + schema;
    registry.dbUser = "postgres";
    registry.artifacts = dir.resolve("shared-artifacts");
    registry.broker = URI.create("amqp://guest:guest@127.0.0.1:5672");
    Path data = dir.resolve(name);
    ListenOptions listen = new ListenOptions();
    listen.host = "127.0.0.1";
    listen.port = 0;
    Path repository = Files.createDirectories(data.resolve("models"));
    return ServerLauncher.start(repository, registry.open(data), listen,
        new ServingOptions(), CONSOLE);
  }

  private String infer(ServerLauncher node, String version) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(url(node) + "/v2/models/iris" + version + "/infer"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[{\"name\":\"input\","
                + "\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[0.1,0.2,0.3,0.4]}]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  private static String version(String number) {
    return "200 {\"model_name\":\"iris\",\"model_version\":\"" + number + "\"";
  }

  private static String url(ServerLauncher node) {
    return "http://127.0.0.1:" + node.port();
  }

  private static int cli(String... args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    cmd.setErr(new PrintWriter(new StringWriter(), true));
    return cmd.execute(args);
  }

  private static void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
