package dev.serval.server.cli;

import dev.serval.async.AsyncService;
import dev.serval.async.RabbitMqReplyPublisher;
import dev.serval.core.Causes;
import dev.serval.core.ServalException;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.RegistryService;
import dev.serval.registry.VersionRecord;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.server.ServalServer;
import dev.serval.server.management.ManagementApi;
import dev.serval.server.studies.StudiesApi;
import dev.serval.serving.ModelManager;
import dev.serval.serving.ModelState;
import dev.serval.serving.RepositoryEntry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Wires the serving stack explicitly (no container): metrics registry, model manager with the
 * ONNX backend, the model registry with its validator, and the HTTP server; installs a shutdown
 * hook that drains gracefully. Serving follows the registry (see {@link RegistrySync}); with
 * {@code --poll} it also follows the model repository folder (see {@link RepositoryPoller}).
 */
final class ServerLauncher {
  private static final long VALIDATION_DRAIN_SECONDS = 10;

  private static final Duration RESYNC_PERIOD = Duration.ofSeconds(30);

  private final ServalServer server;
  private final String url;
  private final RegistrySync sync;
  private final ModelRegistry registry;
  private final ExecutorService validations;
  private final JobSystem jobs;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private ServerLauncher(ServalServer server, String url, RegistrySync sync,
      ModelRegistry registry, ExecutorService validations, JobSystem jobs) {
    this.server = server;
    this.url = url;
    this.sync = sync;
    this.registry = registry;
    this.validations = validations;
    this.jobs = jobs;
  }

  /** A server without keys, broker or jobs. */
  static ServerLauncher start(Path repository, ModelRegistry registry, ListenOptions listen,
      ServingOptions serving, PrintStream out) {
    return start(repository, registry, Launch.of(listen, serving), out);
  }

  /**
   * @param registry an open registry; the launcher owns it (and its event bus) from here on and
   *     closes it on shutdown, or at once when the server cannot start
   */
  static ServerLauncher start(Path repository, ModelRegistry registry, Launch launch,
      PrintStream out) {
    ListenOptions listen = launch.listen();
    ServingOptions serving = launch.serving();
    SecurityOptions security = launch.security();
    ExecutorService validations = validationExecutor();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ModelValidator validator = ModelValidator.builder().backend(new OnnxBackend()).build();
    ModelManager models;
    RegistrySync sync;
    ServalServer.Builder builder = ServalServer.builder();
    try {
      serving.observability.configure(builder);
      models = models(repository, meters, serving);
      sync = new RegistrySync(registry, new VersionPlacement(registry, repository), models);
      sync.placeReady();
      out.println("Loading models from " + repository.toAbsolutePath() + " ...");
      models.start();
      sync.start(RESYNC_PERIOD);
      printIndex(models.index(false), out);
      if (serving.poll) {
        poll(repository, models, validator, registry, sync, serving.pollInterval(), out);
      }
    } catch (RuntimeException e) {
      closeRegistry(validations, registry);
      throw e;
    }
    RegistryService service =
        RegistryService.builder()
            .registry(registry)
            .validator(validator)
            .executor(validations)
            .build();
    JobSystem jobSystem = launch.jobs() == null ? null : launch.jobs().apply(service);
    ServalServer server;
    try {
      builder
          .host(listen.host)
          .port(listen.port)
          .modelService(models)
          .meterRegistry(meters)
          .registry(registry, service)
          .rollout(sync)
          .security(security.security(registry.database(), out))
          .async(async(registry, launch.broker(), serving));
      if (jobSystem != null) {
        builder.jobs(jobSystem.jobs);
      }
      security.configure(builder);
      server = builder.build();
      start(server, listen);
    } catch (RuntimeException e) {
      closeJobs(jobSystem);
      sync.close();
      models.close();
      closeRegistry(validations, registry);
      throw e;
    }
    printRecovered(service.recover(), out);
    String url = baseUrl(security.tls() ? "https" : "http", listen.host, server.port());
    ServerLauncher launcher =
        new ServerLauncher(server, url, sync, registry, validations, jobSystem);
    if (jobSystem != null) {
      out.println(jobSystem.describe());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> launcher.close(out), "serval-shutdown"));
    out.println("Management API:   " + url + ManagementApi.PREFIX);
    out.println("Studies API:      " + url + StudiesApi.PREFIX);
    out.println("Async results:    " + url + "/v2/async/<id> (kept "
        + serving.asyncRetention + ")");
    out.println("Serval is listening on " + url);
    return launcher;
  }

  /** A port in use is the usual cause, so the error says what to change. */
  private static void start(ServalServer server, ListenOptions listen) {
    try {
      server.start();
    } catch (RuntimeException e) {
      throw new UsageException(
          "could not listen on " + listen.host + ":" + listen.port + " ("
              + Causes.rootMessage(e) + "); is another server using it? Choose another with"
              + " --port");
    }
  }

  /** Asynchronous requests live in the registry's database, so they survive a restart. */
  private static AsyncService.Builder async(
      ModelRegistry registry, URI broker, ServingOptions serving) {
    AsyncService.Builder async = AsyncService.builder()
        .database(registry.database())
        .retention(serving.asyncRetention())
        .maxBacklog(serving.asyncMaxBacklog())
        .maxInFlight(serving.asyncWorkers());
    if (broker != null) {
      try {
        async.replies(RabbitMqReplyPublisher.connect(broker));
      } catch (IllegalStateException e) {
        throw new CommandException(e.getMessage());
      }
    }
    return async;
  }

  private static ModelManager models(
      Path repository, PrometheusMeterRegistry meters, ServingOptions serving) {
    ModelManager.Builder builder =
        ModelManager.builder()
            .repository(repository)
            .backend(new OnnxBackend())
            .meterRegistry(meters);
    long budget = serving.memoryBudgetBytes();
    if (budget > 0) {
      builder.memoryBudgetBytes(budget);
    }
    return builder.build();
  }

  /**
   * Hot reload: the poller shares the registry's serial thread, so it never sees a version folder
   * the registry is placing, and leaves the models the registry manages to it.
   */
  private static void poll(Path repository, ModelManager models, ModelValidator validator,
      ModelRegistry registry, RegistrySync sync, Duration interval, PrintStream out) {
    RepositoryPoller poller = new RepositoryPoller(repository, models,
        new FolderValidation(validator), model -> isRegistered(registry, model));
    ScheduledExecutorService serial = sync.serial();
    serial.execute(poller::baseline);
    long millis = interval.toMillis();
    serial.scheduleWithFixedDelay(poller::poll, millis, millis, TimeUnit.MILLISECONDS);
    out.println("Watching " + repository.toAbsolutePath() + " for new versions every "
        + millis + " ms");
  }

  private static boolean isRegistered(ModelRegistry registry, String model) {
    try {
      registry.getModel(model);
      return true;
    } catch (ServalException e) {
      return false;
    }
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

  static String baseUrl(String scheme, String host, int port) {
    String shown = host.equals("0.0.0.0") ? "127.0.0.1" : host;
    return scheme + "://" + (shown.contains(":") ? "[" + shown + "]" : shown) + ":" + port;
  }

  int port() {
    return server.port();
  }

  /** E.g. {@code https://127.0.0.1:8000}. */
  String url() {
    return url;
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
      closeJobs(jobs);
      sync.close();
      closeRegistry(validations, registry);
    }
    out.println("Stopped.");
    stopped.countDown();
  }

  private static void closeJobs(JobSystem jobs) {
    if (jobs != null) {
      jobs.close();
    }
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
      registry.events().close(); // a bus given to the registry is not closed by it
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

  private static void printRecovered(List<VersionRecord> recovered, PrintStream out) {
    for (VersionRecord v : recovered) {
      out.println("  registry: validating " + v.model() + " v" + v.version()
          + " again (left " + v.state() + " by the last run)");
    }
  }
}
