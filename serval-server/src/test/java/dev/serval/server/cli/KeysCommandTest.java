package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code keys} on the database and through a server, and {@code serve --auth}. */
class KeysCommandTest {
  private static final Pattern TOKEN = Pattern.compile("sv_([0-9a-f]{16})_[A-Za-z0-9_-]{43}");

  @TempDir Path dir;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private ServerLauncher serveWithAuth(PrintStream console) throws IOException {
    ListenOptions listen = new ListenOptions();
    listen.host = "127.0.0.1";
    listen.port = 0;
    SecurityOptions security = new SecurityOptions();
    security.auth = true;
    return ServerLauncher.start(Files.createDirectories(dir.resolve("models")),
        new RegistryOptions().open(dir.resolve("data")),
        new Launch(listen, new ServingOptions(), security, null, null), console);
  }

  @Test
  void createsTheFirstAdminKeyOnTheDatabaseAndUsesItAgainstTheServer() throws IOException {
    String data = dir.resolve("data").toString();
    assertThat(run("keys", "create", "--name", "ops", "--role", "admin", "--data", data))
        .isZero();
    String admin = out.toString().trim();
    assertThat(admin).matches(TOKEN);
    assertThat(err.toString()).contains("Created API key 'ops'").contains("not shown again");
    assertThat(run("keys", "list", "--data", data)).isZero();
    assertThat(out.toString()).contains("ops", "admin", "local ").doesNotContain(admin);

    ServerLauncher server = serveWithAuth(new PrintStream(new ByteArrayOutputStream()));
    try {
      String url = "http://127.0.0.1:" + server.port();
      assertThat(run("models", "list", "--server", url, "--api-key", "")).isEqualTo(1);
      assertThat(err.toString()).contains("requires an API key").contains("--api-key");

      assertThat(run("models", "list", "--server", url, "--api-key", admin)).isZero();
      assertThat(run("keys", "create", "--name", "app", "--role", "inference", "--model", "mlp",
          "--server", url, "--api-key", admin)).isZero();
      String app = out.toString().trim();
      assertThat(run("models", "list", "--server", url, "--api-key", app)).isEqualTo(1);
      assertThat(err.toString()).contains("limited to models [mlp]").contains("ask an admin");

      assertThat(run("keys", "revoke", id(app), "--server", url, "--api-key", admin)).isZero();
      assertThat(out.toString()).contains("Revoked API key 'app'");
      assertThat(run("models", "get", "mlp", "--server", url, "--api-key", app)).isEqualTo(1);
      assertThat(err.toString()).contains("was revoked");
    } finally {
      server.close(new PrintStream(new ByteArrayOutputStream()));
    }
  }

  @Test
  void serveWithAuthPrintsABootstrapAdminKeyOnlyWhenThereIsNoKey() throws IOException {
    List<String> tokens = new ArrayList<>();
    for (int start = 0; start < 2; start++) {
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      ServerLauncher server = serveWithAuth(new PrintStream(console, true, StandardCharsets.UTF_8));
      try {
        Matcher token = TOKEN.matcher(console.toString(StandardCharsets.UTF_8));
        if (token.find()) {
          tokens.add(token.group());
          assertThat(console.toString(StandardCharsets.UTF_8))
              .contains("created the admin key 'bootstrap'");
          assertThat(run("keys", "list", "--server", "http://127.0.0.1:" + server.port(),
              "--api-key", token.group())).isZero();
          assertThat(out.toString()).contains("bootstrap");
        }
      } finally {
        server.close(new PrintStream(new ByteArrayOutputStream()));
      }
    }
    assertThat(tokens).hasSize(1);
  }

  @Test
  void refusesAnAdminKeyWithAModelScope() {
    assertThat(run("keys", "create", "--name", "x", "--role", "admin", "--model", "mlp",
        "--data", dir.resolve("data").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("admin key covers every model");
  }

  private static String id(String token) {
    Matcher matcher = TOKEN.matcher(token);
    assertThat(matcher.matches()).isTrue();
    return matcher.group(1);
  }
}
