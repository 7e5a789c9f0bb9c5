package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

class ObservabilityOptionsTest {
  private final StringWriter err = new StringWriter();
  private final PrintStream console = new PrintStream(OutputStream.nullOutputStream());

  @TempDir Path dir;

  @Test
  void serveWritesAnAccessLogLineForEachRequest() throws Exception {
    Path log = dir.resolve("access.jsonl");
    ServingOptions serving = CommandLine.populateCommand(
        new ServingOptions(), "--access-log", log.toString(), "--access-log-exclude-health");
    ListenOptions listen = new ListenOptions();
    listen.host = "127.0.0.1";
    listen.port = 0;
    ServerLauncher launcher = ServerLauncher.start(
        Files.createDirectories(dir.resolve("models")),
        new RegistryOptions().open(dir.resolve("data")), listen, serving, console);
    try {
      HttpClient client = HttpClient.newHttpClient();
      for (String path : new String[] {"/v2/health/ready", "/v2"}) {
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + launcher.port() + path))
                .header("x-request-id", "cli" + path.replace('/', '-'))
                .build(),
            HttpResponse.BodyHandlers.discarding());
      }

      await().until(() -> Files.exists(log) && Files.readString(log).contains("cli-v2\""));
      assertThat(Files.readString(log)).doesNotContain("cli-v2-health");
    } finally {
      launcher.close(console);
    }
  }

  @Test
  void anOtlpEndpointThatIsNotAnHttpUrlIsAUsageError() {
    assertThat(serve("--otlp-endpoint", "collector:4318")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--otlp-endpoint endpoint must be an http or https URL such as"
            + " http://127.0.0.1:4318 but was 'collector:4318'")
        .doesNotContain("Exception");
  }

  @Test
  void anAccessLogInAMissingFolderIsAUsageError() {
    Path log = dir.resolve("missing/access.jsonl");

    assertThat(serve("--access-log", log.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("--access-log: cannot open the access log " + log)
        .contains("or '-' for standard output");
  }

  private int serve(String... options) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    cmd.setErr(new PrintWriter(err, true));
    String[] args = {"serve", "--model-repository", dir.toString(),
        "--data", dir.resolve("data").toString(), "--port", "0"};
    String[] all = new String[args.length + options.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(options, 0, all, args.length, options.length);
    return cmd.execute(all);
  }
}
