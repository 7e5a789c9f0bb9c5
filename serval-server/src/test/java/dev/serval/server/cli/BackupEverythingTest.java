package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serval.registry.ModelRegistry;
import dev.serval.runtime.onnx.SampleModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code backup} of a server's data folder after users made something of every kind, and
 * {@code restore} into a fresh folder or PostgreSQL schema: a server started there shows all of
 * it again, through the same API, to the same key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupEverythingTest {
  private static final Pattern TOKEN = Pattern.compile("sv_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
  private static final List<Double> ROWS = List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8);

  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @TempDir static Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private String admin;
  private String job;
  private String asyncId;
  private Seen before;
  private Path archive;

  /** What the API shows of everything a user made, to compare before and after. */
  private record Seen(JsonNode keys, JsonNode audit, JsonNode jobs, String log, JsonNode metrics,
      JsonNode studies, JsonNode trials, JsonNode report, JsonNode asyncResult,
      JsonNode versions) {

    static Seen on(ServalClient api, String job, String asyncId) {
      return new Seen(keyNames(api.get("/api/v1/keys")), api.get("/api/v1/audit"),
          api.get("/api/v1/jobs"), api.text("/api/v1/jobs/" + job + "/logs"),
          api.get("/api/v1/jobs/" + job + "/metrics"), api.get("/api/v1/studies"),
          api.get("/api/v1/studies/lr/trials"),
          api.get("/api/v1/models/mlp/versions/2/compression"),
          api.get("/v2/async/" + asyncId), api.get("/api/v1/models/mlp/versions"));
    }

    /** Without last-use times, which the requests of this test move. */
    private static JsonNode keyNames(JsonNode keys) {
      keys.path("keys").forEach(k -> ((ObjectNode) k).remove("last_used_at"));
      return keys;
    }
  }

  @BeforeAll
  void makeSomethingOfEveryKindThenBackItUp() throws IOException {
    Path source = dir.resolve("source");
    Path model = dir.resolve("mlp.onnx");
    Files.write(model, SampleModels.mlp(4, new int[] {8}, 3, 1));
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ServerLauncher server = serve(new RegistryOptions(), source, console);
    try {
      admin = bootstrapKey(console);
      ServalClient api = new ServalClient(server.url(), admin);
      assertThat(cli("models", "push", "mlp", model.toString(), "--server", server.url(),
          "--api-key", admin)).as(err.toString()).isZero();
      api.postJson("/api/v1/models/mlp/versions/1/compress",
          Map.of("method", "int8-dynamic", "bench_seconds", 0));
      job = runJob(api);
      asyncId = answerAsynchronously(api);
      runAStudy(api);
      before = Seen.on(api, job, asyncId);
    } finally {
      server.close(QUIET);
    }
    assertThat(before.log()).contains("hello from the job");
    assertThat(before.audit().toString()).contains("keys.create", "mlp");
    archive = dir.resolve("backup.zip");
    assertThat(cli("backup", "--output", archive.toString(), "--data", source.toString()))
        .as(err.toString()).isZero();
  }

  @Test
  void restoredDataFolderServesKeysAuditJobsAsyncRequestsStudiesAndCompressionReports() {
    Path target = dir.resolve("target");

    assertThat(cli("restore", archive.toString(), "--data", target.toString()))
        .as(err.toString()).isZero();

    assertThat(err.toString()).contains("restore: table security_keys: 1 row",
        "restore: table job_jobs: 1 row", "restore: table server_studies: 1 row",
        "restore: folder jobs: 1 file").doesNotContain("flyway_");
    assertThat(seen(new RegistryOptions(), target)).isEqualTo(before);
  }

  @Test
  @Tag("it")
  void restoredPostgresSchemaServesWhatTheEmbeddedDatabaseHeld() throws SQLException {
    String schema = "backup_" + UUID.randomUUID().toString().replace("-", "");
    execute("CREATE SCHEMA " + schema);
    try {
      RegistryOptions postgres = new RegistryOptions();
      postgres.db = POSTGRES + "?currentSchema=" + schema;
      postgres.dbUser = "postgres";
      Path data = dir.resolve("postgres-node");

      assertThat(cli("restore", archive.toString(), "--data", data.toString(), "--db",
          postgres.db, "--db-user", postgres.dbUser)).as(err.toString()).isZero();

      assertThat(seen(postgres, data)).isEqualTo(before);
    } finally {
      execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  /** What a server on the restored data shows; it needs no new key, and asks for the old. */
  private Seen seen(RegistryOptions options, Path data) {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ServerLauncher restored = serve(options, data, console);
    try {
      assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContainPattern(TOKEN);
      ServalClient api = new ServalClient(restored.url(), admin);
      Awaitility.await().ignoreExceptions()
          .until(() -> api.postJson("/v2/models/mlp/infer", infer(false)).has("outputs"));
      Seen seen = Seen.on(api, job, asyncId);
      // after reading the audit log, since the refusal adds an entry to it
      assertThatThrownBy(() -> new ServalClient(restored.url(), null).get("/api/v1/models"))
          .hasMessageContaining("requires an API key");
      return seen;
    } finally {
      restored.close(QUIET);
    }
  }

  private static String runJob(ServalClient api) {
    String id = api.postJson("/api/v1/jobs", Map.of("name", "train", "command", List.of("sh",
        "-c", "echo hello from the job; echo serval.metric loss 0.25 1"))).path("id").asText();
    Awaitility.await().until(() ->
        api.get("/api/v1/jobs/" + id).path("state").asText().equals("SUCCEEDED"));
    return id;
  }

  private static String answerAsynchronously(ServalClient api) {
    Awaitility.await().ignoreExceptions()
        .until(() -> api.postJson("/v2/models/mlp/infer", infer(false)).has("outputs"));
    String id = api.postJson("/v2/models/mlp/infer", infer(true)).path("id").asText();
    Awaitility.await().until(() -> api.get("/v2/async/" + id + "/status").path("status")
        .asText().equals("SUCCEEDED"));
    return id;
  }

  private static Map<String, Object> infer(boolean async) {
    List<Map<String, Object>> inputs = List.of(Map.of("name", "input", "datatype", "FP32",
        "shape", List.of(2, 4), "data", ROWS));
    return async ? Map.of("inputs", inputs, "parameters", Map.of("async", true))
        : Map.of("inputs", inputs);
  }

  private static void runAStudy(ServalClient api) {
    api.postJson("/api/v1/studies", Map.of("name", "lr", "space",
        Map.of("lr", Map.of("type", "float", "low", 0.001, "high", 0.1))));
    int trial = api.postJson("/api/v1/studies/lr/trials", Map.of()).path("number").asInt();
    api.put("/api/v1/studies/lr/trials/" + trial, Map.of("state", "complete", "value", 0.5));
  }

  private static ServerLauncher serve(RegistryOptions options, Path data,
      ByteArrayOutputStream console) {
    ListenOptions listen = new ListenOptions();
    listen.host = "127.0.0.1";
    listen.port = 0;
    SecurityOptions security = new SecurityOptions();
    security.auth = true;
    ModelRegistry registry = options.open(data);
    Launch launch = new Launch(listen, new ServingOptions(), security, null,
        service -> JobSystem.open(registry, service, data, null, new JobOptions().worker()));
    try {
      return ServerLauncher.start(Files.createDirectories(data.resolve("models")), registry,
          launch, new PrintStream(console, true, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "");
        Statement statement = c.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String bootstrapKey(ByteArrayOutputStream console) {
    Matcher token = TOKEN.matcher(console.toString(StandardCharsets.UTF_8));
    assertThat(token.find()).as("the bootstrap key is printed").isTrue();
    return token.group();
  }

  /** Runs the command line; {@link #err} then holds its messages alone. */
  private int cli(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }
}
