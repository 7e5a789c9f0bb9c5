package dev.serval.gateway.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's meters: requests by model, upstream and status (with latency), retries and
 * failovers by model, failures by upstream, and each upstream's health, circuit and load.
 */
public final class GatewayMetrics {
  /** The model tag of requests that name no model (server metadata, health ...). */
  static final String NO_MODEL = "-";
  /** The model tag of requests for a model no replica serves, so that names cannot flood it. */
  static final String UNKNOWN_MODEL = "unknown";
  static final String NO_UPSTREAM = "none";

  private final MeterRegistry registry;
  /**
   * The request timers already registered: building a meter id and looking it up in the
   * registry on every request (tags sorted, hashed, compared) was a measurable share of the
   * gateway's CPU per request.
   */
  private final Map<RequestSeries, Timer> requestTimers = new ConcurrentHashMap<>();

  private record RequestSeries(String model, String upstream, String status) {}

  public GatewayMetrics(MeterRegistry registry, UpstreamPool pool) {
    this.registry = registry;
    for (Upstream u : pool.all()) {
      String address = u.toString();
      Gauge.builder("serval.gateway.upstream.healthy", u, x -> x.isHealthy() ? 1 : 0)
          .tag("upstream", address).strongReference(true)
          .description("1 while the upstream passes its health checks").register(registry);
      Gauge.builder("serval.gateway.upstream.circuit.open", u, x -> x.isCircuitOpen() ? 1 : 0)
          .tag("upstream", address).strongReference(true)
          .description("1 while the upstream's circuit breaker is open").register(registry);
      Gauge.builder("serval.gateway.upstream.in.flight", u, Upstream::inFlight)
          .tag("upstream", address).strongReference(true)
          .description("requests sent to the upstream and not yet answered").register(registry);
    }
  }

  void request(String model, String upstream, String status, long nanos) {
    requestTimers.computeIfAbsent(new RequestSeries(model, upstream, status), this::timer)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timer(RequestSeries series) {
    return Timer.builder("serval.gateway.requests")
        .description("requests answered by the gateway")
        .tags("model", series.model(), "upstream", series.upstream(), "status", series.status())
        .register(registry);
  }

  void retry(String model) {
    Counter.builder("serval.gateway.retries").description("requests sent again to another upstream")
        .tag("model", model).register(registry).increment();
  }

  void failover(String model, String backup) {
    Counter.builder("serval.gateway.failovers")
        .description("requests sent to the backup model because no upstream could serve theirs")
        .tags("model", model, "backup", backup).register(registry).increment();
  }

  void upstreamFailure(Upstream upstream) {
    Counter.builder("serval.gateway.upstream.failures")
        .description("attempts that failed on the upstream (transport error or 5xx)")
        .tag("upstream", upstream.toString()).register(registry).increment();
  }
}
