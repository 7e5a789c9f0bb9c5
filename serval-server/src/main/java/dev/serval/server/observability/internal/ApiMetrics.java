package dev.serval.server.observability.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Requests and their latency at the API's edge, by protocol, model, API key and status. Serving's
 * own meters count only the requests that reach a model; these count every request. A model tag
 * is a model the server knows, so that requests naming made-up models cannot add series.
 */
public final class ApiMetrics {
  /** Tag value of requests that address no model (health, metrics, server-wide routes). */
  public static final String NONE = "none";
  /** Tag value of requests that name a model the server does not know. */
  public static final String UNKNOWN = "unknown";

  /** Fewer buckets than serving's: these series multiply by key and status. */
  private static final long[] LATENCY_BUCKETS_MILLIS = {
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000
  };

  private final Meter.MeterProvider<Counter> requests;
  private final Meter.MeterProvider<Timer> latency;
  private final Predicate<String> knownModel;
  /**
   * The meters of each series already seen: making the tags (sorted, hashed) and looking the
   * meters up in the registry on every request showed in the gateway's profile.
   */
  private final Map<Series, Meters> series = new ConcurrentHashMap<>();

  private record Series(String protocol, String model, String key, String status) {}

  private record Meters(Counter requests, Timer latency) {}

  public ApiMetrics(MeterRegistry registry, Predicate<String> knownModel) {
    this.knownModel = knownModel;
    this.requests =
        Counter.builder("serval.api.requests")
            .description("Requests answered by the API, by protocol, model, API key and status")
            .withRegistry(registry);
    this.latency =
        Timer.builder("serval.api.request.duration")
            .description("Time from a request's arrival to the end of its response")
            .serviceLevelObjectives(
                Arrays.stream(LATENCY_BUCKETS_MILLIS)
                    .mapToObj(Duration::ofMillis)
                    .toArray(Duration[]::new))
            .withRegistry(registry);
  }

  public void record(CompletedRequest request) {
    Meters meters =
        series.computeIfAbsent(
            new Series(
                request.protocol().tag(),
                model(request.model()),
                request.keyId() == null ? NONE : request.keyId(),
                request.status()),
            this::meters);
    meters.requests().increment();
    meters.latency().record(request.latencyNanos(), TimeUnit.NANOSECONDS);
  }

  private Meters meters(Series s) {
    Tags tags =
        Tags.of("protocol", s.protocol(), "model", s.model(), "key", s.key(), "status", s.status());
    return new Meters(requests.withTags(tags), latency.withTags(tags));
  }

  private String model(String model) {
    if (model == null) {
      return NONE;
    }
    return knownModel.test(model) ? model : UNKNOWN;
  }
}
