package dev.serval.server.cli;

import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.server.ServalServer;
import dev.serval.serving.ModelManager;
import dev.serval.serving.RepositoryEntry;
import dev.serval.serving.ModelState;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Wires the serving stack explicitly (no container): metrics registry, model manager with the
 * ONNX backend, and the HTTP server; installs a shutdown hook that drains gracefully.
 */
final class ServerLauncher {
  private final ServalServer server;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private ServerLauncher(ServalServer server) {
    this.server = server;
  }

  static ServerLauncher start(Path repository, ListenOptions listen, PrintStream out) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    out.println("Loading models from " + repository.toAbsolutePath() + " ...");
    ModelManager models =
        ModelManager.builder()
            .repository(repository)
            .backend(new OnnxBackend())
            .meterRegistry(registry)
            .build();
    models.start();
    printIndex(models.index(false), out);

    ServalServer server =
        ServalServer.builder()
            .host(listen.host)
            .port(listen.port)
            .modelService(models)
            .meterRegistry(registry)
            .build();
    try {
      server.start();
    } catch (RuntimeException e) {
      models.close();
      throw new UsageException(
          "could not listen on " + listen.host + ":" + listen.port + " (" + rootMessage(e)
              + "); is another server using it? Choose another with --port");
    }
    ServerLauncher launcher = new ServerLauncher(server);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> launcher.close(out), "serval-shutdown"));
    out.println("Serval is listening on " + baseUrl(listen.host, server.port()));
    return launcher;
  }

  static String baseUrl(String host, int port) {
    String shown = host.equals("0.0.0.0") ? "127.0.0.1" : host;
    return "http://" + (shown.contains(":") ? "[" + shown + "]" : shown) + ":" + port;
  }

  int port() {
    return server.port();
  }

  void awaitShutdown() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Drains and stops the server; idempotent (the shutdown hook may call it after a test did). */
  synchronized void close(PrintStream out) {
    if (stopped.getCount() == 0) {
      return;
    }
    out.println("Shutting down: readiness off, finishing in-flight requests ...");
    server.close();
    out.println("Stopped.");
    stopped.countDown();
  }

  private static void printIndex(List<RepositoryEntry> entries, PrintStream out) {
    if (entries.isEmpty()) {
      out.println("  (no models found; add DIR/<model>/<version>/model.onnx)");
    }
    for (RepositoryEntry e : entries) {
      String version = e.version() == null ? "" : " v" + e.version();
      String line = "  " + e.name() + version + ": " + e.state();
      out.println(e.state() == ModelState.READY ? line : line + " - " + e.reason());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
