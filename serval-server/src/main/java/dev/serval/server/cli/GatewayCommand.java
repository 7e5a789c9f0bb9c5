package dev.serval.server.cli;

import dev.serval.core.Causes;
import java.util.concurrent.atomic.AtomicReference;
import dev.serval.server.observability.Observability;
import dev.serval.gateway.Gateway;
import dev.serval.gateway.UpstreamAddress;
import dev.serval.gateway.UpstreamStatus;
import dev.serval.server.api.internal.MetricsService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code serval gateway}: one address in front of many {@code serval serve} replicas. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = {
      "Route Open Inference Protocol REST and gRPC requests over many Serval replicas.",
      "Each model goes to the replicas that report it READY (checked with their health), the",
      "least busy first; failed requests are retried on another replica, a failing replica's",
      "circuit opens, and --backup sends a model's inference elsewhere when no replica can serve",
      "it. Status: GET /gateway/upstreams; Prometheus metrics: GET /metrics."
    })
final class GatewayCommand implements Callable<Integer> {
  private static final Duration HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(1);

  @Option(
      names = "--upstream",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      required = true,
      description = "Replicas to route to (repeatable, or comma-separated), e.g. "
          + "10.0.0.5:8000,10.0.0.6:8000.")
  List<String> upstreams;

  @Option(
      names = "--backup",
      paramLabel = "PRIMARY=BACKUP",
      description = "Inference for PRIMARY that no replica can serve goes to BACKUP's default "
          + "version; the answer carries x-serval-served-by: BACKUP (repeatable).")
  List<String> backups = new ArrayList<>();

  @Option(
      names = "--health-interval",
      paramLabel = "MS",
      defaultValue = "500",
      description = "How often each replica's readiness and models are checked (default: "
          + "${DEFAULT-VALUE} ms).")
  long healthIntervalMillis;

  @Option(
      names = "--retries",
      paramLabel = "N",
      defaultValue = "2",
      description = "Other replicas a failed request is sent to, 0 to 5 (default: "
          + "${DEFAULT-VALUE}).")
  int retries;

  @Option(
      names = "--request-timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "Deadline of a request, retries included (default: ${DEFAULT-VALUE} s).")
  double requestTimeoutSeconds;

  @Mixin ListenOptions listen;

  @Mixin ObservabilityOptions observability;

  @Override
  public Integer call() {
    Gateway gateway = start(System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("Shutting down: finishing in-flight requests ...");
      gateway.close();
      stopped.countDown();
    }, "serval-gateway-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Validates the options, starts the gateway and prints where it listens. */
  Gateway start(PrintStream out) {
    listen.validate();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AtomicReference<Gateway> served = new AtomicReference<>();
    Observability requests = observability.open()
        .metrics(meters, model -> serves(served.get(), model))
        .build();
    Gateway gateway;
    try {
      gateway = configure().meterRegistry(meters).metricsService(new MetricsService(meters))
          .decorator(requests.decorator()).onClose(requests).build();
    } catch (RuntimeException e) {
      requests.close();
      throw e;
    }
    served.set(gateway);
    out.println("Checking " + upstreams.size() + " upstream(s) ...");
    try {
      gateway.start();
    } catch (IllegalStateException e) {
      gateway.close();
      throw new UsageException("could not listen on " + listen.host + ":" + listen.port + " ("
          + Causes.rootMessage(e) + "); is another server using it? Choose another with --port");
    }
    printUpstreams(gateway.upstreams(), out);
    String url = ServerLauncher.baseUrl("http", listen.host, gateway.port());
    out.println("Status page:      " + url + Gateway.STATUS_PATH);
    out.println("Metrics:          " + url + "/metrics");
    out.println("Serval gateway is listening on " + url);
    return gateway;
  }

  /** Only models some upstream serves get their own metric series; others count as unknown. */
  private static boolean serves(Gateway gateway, String model) {
    return gateway != null && gateway.upstreams().stream()
        .anyMatch(u -> u.models().stream().anyMatch(m -> m.name().equals(model)));
  }

  private Gateway.Builder configure() {
    Gateway.Builder builder = Gateway.builder().host(listen.host).port(listen.port);
    try {
      List<UpstreamAddress> addresses = new ArrayList<>();
      for (String list : upstreams) {
        addresses.addAll(UpstreamAddress.parseList(list));
      }
      builder.upstreams(addresses);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--upstream: " + e.getMessage());
    }
    for (String backup : backups) {
      int eq = backup.indexOf('=');
      try {
        if (eq < 0) {
          throw new IllegalArgumentException("expected PRIMARY=BACKUP but was '" + backup + "'");
        }
        builder.backup(backup.substring(0, eq), backup.substring(eq + 1));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--backup: " + e.getMessage());
      }
    }
    if (healthIntervalMillis < 10 || healthIntervalMillis > 3_600_000) {
      throw new UsageException(
          "--health-interval must be between 10 and 3600000 ms but was " + healthIntervalMillis);
    }
    if (retries < 0 || retries > Gateway.Builder.MAX_RETRIES_LIMIT) {
      throw new UsageException("--retries must be between 0 and "
          + Gateway.Builder.MAX_RETRIES_LIMIT + " but was " + retries);
    }
    if (!(requestTimeoutSeconds >= 0.001 && requestTimeoutSeconds <= 86_400)) {
      throw new UsageException("--request-timeout must be between 0.001 and 86400 seconds but was "
          + requestTimeoutSeconds);
    }
    return builder
        .healthChecks(Duration.ofMillis(healthIntervalMillis), HEALTH_CHECK_TIMEOUT)
        .maxRetries(retries)
        .requestTimeout(Duration.ofMillis(Math.round(requestTimeoutSeconds * 1000)));
  }

  private static void printUpstreams(List<UpstreamStatus> upstreams, PrintStream out) {
    for (UpstreamStatus u : upstreams) {
      if (u.healthy()) {
        out.println("  " + u.address() + ": healthy, serving " + (u.models().isEmpty() ? "no model"
            : String.join(", ", u.models().stream()
                .map(m -> m.name() + " v" + m.version()).toList())));
      } else {
        out.println("  " + u.address() + ": NOT HEALTHY (" + u.lastError() + "); checked again "
            + "every interval");
      }
    }
  }
}
