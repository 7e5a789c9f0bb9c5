package dev.serval.server.api.internal;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** {@code GET /metrics}: the registry in the Prometheus text format. */
public final class MetricsService implements HttpService {
  private static final MediaType PROMETHEUS_TEXT =
      MediaType.parse("text/plain; version=0.0.4; charset=utf-8");

  private final PrometheusMeterRegistry registry;

  public MetricsService(PrometheusMeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    // A scrape walks every meter and histogram; keep it off the event loop.
    return HttpResponse.of(
        CompletableFuture.supplyAsync(
            () -> HttpResponse.of(HttpStatus.OK, PROMETHEUS_TEXT, registry.scrape()),
            ctx.blockingTaskExecutor()));
  }
}
