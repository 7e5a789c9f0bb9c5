package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.gateway.Gateway;
import dev.serval.runtime.onnx.SampleModels;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class GatewayCommandTest {
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "--upstream=localhost       | upstream must be host:port (e.g. 10.0.0.5:8000) but was 'localhost'",
    "--upstream=h:0             | upstream port must be within 1..65535 but was 0",
    "--upstream=h:http          | upstream port must be a number but was 'http'",
    "--upstream=h:1,h:1         | upstream h:1 is listed twice",
    "--backup=a                 | --backup: expected PRIMARY=BACKUP but was 'a'",
    "--backup=a=a               | a model cannot be its own backup but was 'a=a'",
    "--retries=9                | --retries must be between 0 and 5 but was 9",
    "--health-interval=0        | --health-interval must be between 10 and 3600000 ms but was 0",
    "--port=70000               | --port must be between 0 and 65535 but was 70000",
  })
  void refusesBadOptionsNamingTheValue(String option, String message) {
    String upstream = option.startsWith("--upstream") ? option : "--upstream=h:1";
    String[] args = option.startsWith("--upstream")
        ? new String[] {"gateway", upstream} : new String[] {"gateway", upstream, option};

    assertThat(run(args)).isEqualTo(ErrorHandler.USAGE);
    assertThat(err.toString()).contains(message).doesNotContain("Exception");
  }

  @Test
  void startsInFrontOfAReplicaAndPrintsItsUrls(@TempDir Path dir) throws Exception {
    SampleModels.write(SampleModels.mlp(4, new int[] {8}, 3, 1),
        dir.resolve("repo/m/1/model.onnx"));
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    ServerLauncher replica = CommandLineTest.startOnAFreePort(dir.resolve("repo"),
        dir.resolve("data"), quiet);
    GatewayCommand command = new GatewayCommand();
    new CommandLine(command).parseArgs("--upstream", "127.0.0.1:" + replica.port(), "--port", "0");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Gateway gateway = command.start(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      String out = printed.toString(StandardCharsets.UTF_8);
      assertThat(out).contains("127.0.0.1:" + replica.port() + ": healthy, serving m v1",
          "/gateway/upstreams", "Serval gateway is listening on http://127.0.0.1:"
              + gateway.port());
      HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + gateway.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("serval_gateway_upstream_healthy");
    } finally {
      gateway.close();
      replica.close(quiet);
    }
  }
}
