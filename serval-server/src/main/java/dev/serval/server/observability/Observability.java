package dev.serval.server.observability;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.server.api.RequestAttributes;
import dev.serval.server.observability.internal.ApiMetrics;
import dev.serval.server.observability.internal.CompletedRequest;
import dev.serval.server.observability.internal.ServerSpans;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server tells its operator about each request: a request id (echoed on the response),
 * and when configured the access log line, the per-protocol/model/key/status metrics and the
 * trace span. All of it hangs on one Armeria decorator, {@link #decorator()}, whose work after
 * the response runs in the request log's completion callback; the access log writes on its own
 * thread and spans are exported on the exporter's.
 *
 * <p>Any Armeria server can use it, e.g. with only an access log:
 * {@code sb.decorator(Observability.builder().accessLog(log).build().decorator())}.
 */
public final class Observability implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Observability.class);

  private final AccessLog accessLog;
  private final ApiMetrics metrics;
  private final Tracing tracing;

  private Observability(Builder builder) {
    this.accessLog = builder.accessLog;
    this.tracing = builder.tracing;
    this.metrics =
        builder.meterRegistry == null ? null
            : new ApiMetrics(builder.meterRegistry, builder.knownModel);
    if (accessLog != null && builder.meterRegistry != null) {
      FunctionCounter.builder("serval.access.log.dropped", accessLog, AccessLog::dropped)
          .description("Access log lines dropped because the output could not keep up or failed")
          .register(builder.meterRegistry);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The decorator to install server-wide with {@code ServerBuilder.decorator}. */
  public DecoratingHttpServiceFunction decorator() {
    return this::serve;
  }

  private HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    String id = RequestIds.assign(ctx, req.headers());
    Span span =
        tracing == null ? null
            : tracing.spans().start(req.headers(), ctx.log().partial().requestStartTimeMicros());
    ctx.log()
        .whenComplete()
        .thenAccept(log -> completed(log, id, span))
        .exceptionally(
            e -> {
              LOG.warn("could not log, count or trace request {}", id, e);
              return null;
            });
    return delegate.serve(ctx, withId(req, id));
  }

  /**
   * Inner services see the id that the log and the response carry, so that a proxy (the gateway)
   * passes that one on rather than making its own.
   */
  private static HttpRequest withId(HttpRequest req, String id) {
    if (id.equals(req.headers().get(RequestAttributes.REQUEST_ID_HEADER))) {
      return req;
    }
    return req.withHeaders(
        req.headers().toBuilder().set(RequestAttributes.REQUEST_ID_HEADER, id).build());
  }

  private void completed(RequestLog log, String id, Span span) {
    CompletedRequest request = CompletedRequest.of(log, id);
    if (metrics != null) {
      metrics.record(request);
    }
    if (span != null) {
      ServerSpans.end(span, request);
    }
    if (accessLog != null) {
      accessLog.record(request);
    }
  }

  /** Flushes and closes the access log and the trace exporter given to the builder. */
  @Override
  public void close() {
    try {
      if (accessLog != null) {
        accessLog.close();
      }
    } finally {
      if (tracing != null) {
        tracing.close();
      }
    }
  }

  /** Builder of {@link Observability}; every part is optional. */
  public static final class Builder {
    private AccessLog accessLog;
    private Tracing tracing;
    private MeterRegistry meterRegistry;
    private Predicate<String> knownModel;

    private Builder() {}

    /** Writes an access log line per request; {@link Observability#close()} closes it. */
    public Builder accessLog(AccessLog accessLog) {
      this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
      return this;
    }

    /** Exports a span per request; {@link Observability#close()} closes it. */
    public Builder tracing(Tracing tracing) {
      this.tracing = Objects.requireNonNull(tracing, "tracing");
      return this;
    }

    /**
     * Counts requests and their latency in {@code registry}
     * ({@code serval_api_requests_total}, {@code serval_api_request_duration_seconds}).
     *
     * @param knownModel whether a model name may become a tag value; others are tagged
     *     {@code unknown}, so that made-up names cannot add series
     */
    public Builder metrics(MeterRegistry registry, Predicate<String> knownModel) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      this.knownModel = Objects.requireNonNull(knownModel, "knownModel");
      return this;
    }

    public Observability build() {
      return new Observability(this);
    }
  }
}
