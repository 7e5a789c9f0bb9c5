package dev.serval.server.cli;

import dev.serval.registry.ModelRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Commands against one real server per test class, on an ephemeral port of 127.0.0.1, whose
 * embedded worker runs two jobs at once with a fast heartbeat.
 */
abstract class JobServerTest {
  private static final PrintStream CONSOLE = new PrintStream(OutputStream.nullOutputStream());
  @TempDir static Path dir;
  static ServerLauncher server;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeAll
  static void startServer() throws IOException {
    Path data = dir.resolve("data");
    ModelRegistry registry = new RegistryOptions().open(data);
    ListenOptions listen = new ListenOptions();
    listen.host = "127.0.0.1";
    listen.port = 0;
    JobOptions options = new JobOptions();
    options.slots = 2;
    options.heartbeat = "100ms";
    Launch launch = new Launch(listen, new ServingOptions(), new SecurityOptions(), null,
        service -> JobSystem.open(registry, service, data, null, options.worker()));
    server = ServerLauncher.start(Files.createDirectories(dir.resolve("repository")), registry,
        launch, CONSOLE);
  }

  @AfterAll
  static void stopServer() {
    server.close(CONSOLE);
  }

  static String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /** Runs the command line, its output and errors to {@link #out} and {@link #err}. */
  int cli(List<String> args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args.toArray(String[]::new));
  }
}
