package dev.serval.server.cli;

import dev.serval.registry.ModelRegistry;
import dev.serval.registry.RegistryService;
import dev.serval.registry.VersionRecord;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.server.ServalServer;
import dev.serval.server.management.ManagementApi;
import dev.serval.serving.ModelManager;
import dev.serval.serving.ModelState;
import dev.serval.serving.RepositoryEntry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Wires the serving stack explicitly (no container): metrics registry, model manager with the
 * ONNX backend, the model registry with its validator, and the HTTP server; installs a shutdown
 * hook that drains gracefully. READY registry versions are served from the model repository
 * (see {@link ReadyVersions}).
 */
final class ServerLauncher {
  private static final long VALIDATION_DRAIN_SECONDS = 10;

  private final ServalServer server;
  private final ModelRegistry registry;
  private final ExecutorService validations;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private ServerLauncher(
      ServalServer server, ModelRegistry registry, ExecutorService validations) {
    this.server = server;
    this.registry = registry;
    this.validations = validations;
  }

  /**
   * @param registry an open registry; the launcher owns it from here on and closes it on
   *     shutdown, or at once when the server cannot start
   */
  static ServerLauncher start(
      Path repository, ModelRegistry registry, ListenOptions listen, PrintStream out) {
    ExecutorService validations = validationExecutor();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ReadyVersions ready = new ReadyVersions(registry, repository);
    ModelManager models;
    try {
      printPlaced(ready.placeMissing(), out);
      models = loadModels(repository, meters, out);
    } catch (RuntimeException e) {
      closeRegistry(validations, registry);
      throw e;
    }
    RegistryService service =
        RegistryService.builder()
            .registry(registry)
            .validator(ModelValidator.builder().backend(new OnnxBackend()).build())
            .executor(validations)
            .onReady(version -> ready.publish(version, models))
            .build();
    ServalServer server =
        ServalServer.builder()
            .host(listen.host)
            .port(listen.port)
            .modelService(models)
            .meterRegistry(meters)
            .registry(registry, service)
            .build();
    try {
      server.start();
    } catch (RuntimeException e) {
      models.close();
      closeRegistry(validations, registry);
      throw new UsageException(
          "could not listen on " + listen.host + ":" + listen.port + " ("
              + Failures.rootMessage(e) + "); is another server using it? Choose another with"
              + " --port");
    }
    printRecovered(service.recover(), out);
    ServerLauncher launcher = new ServerLauncher(server, registry, validations);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> launcher.close(out), "serval-shutdown"));
    String url = baseUrl(listen.host, server.port());
    out.println("Management API:   " + url + ManagementApi.PREFIX);
    out.println("Serval is listening on " + url);
    return launcher;
  }

  private static ModelManager loadModels(
      Path repository, PrometheusMeterRegistry meters, PrintStream out) {
    out.println("Loading models from " + repository.toAbsolutePath() + " ...");
    ModelManager models =
        ModelManager.builder()
            .repository(repository)
            .backend(new OnnxBackend())
            .meterRegistry(meters)
            .build();
    models.start();
    printIndex(models.index(false), out);
    return models;
  }

  /** One validation at a time: each loads a model, which is memory- and CPU-heavy. */
  private static ExecutorService validationExecutor() {
    return Executors.newFixedThreadPool(
        1,
        task -> {
          Thread thread = new Thread(task, "serval-validation");
          thread.setDaemon(true);
          return thread;
        });
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

  /**
   * Drains and stops the server, then the registry; idempotent (the shutdown hook may call it
   * after a test did).
   */
  synchronized void close(PrintStream out) {
    if (stopped.getCount() == 0) {
      return;
    }
    out.println("Shutting down: readiness off, finishing in-flight requests ...");
    try {
      server.close();
    } finally {
      closeRegistry(validations, registry);
    }
    out.println("Stopped.");
    stopped.countDown();
  }

  /**
   * A validation cut short leaves its version VALIDATING, which {@code recover()} picks up at the
   * next start, so waiting briefly is enough.
   */
  private static void closeRegistry(ExecutorService validations, ModelRegistry registry) {
    validations.shutdownNow();
    try {
      validations.awaitTermination(VALIDATION_DRAIN_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      registry.close();
    }
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

  private static void printPlaced(List<VersionRecord> placed, PrintStream out) {
    for (VersionRecord v : placed) {
      out.println("  registry: added " + v.model() + " v" + v.version() + " to the repository");
    }
  }

  private static void printRecovered(List<VersionRecord> recovered, PrintStream out) {
    for (VersionRecord v : recovered) {
      out.println("  registry: validating " + v.model() + " v" + v.version()
          + " again (left " + v.state() + " by the last run)");
    }
  }
}
