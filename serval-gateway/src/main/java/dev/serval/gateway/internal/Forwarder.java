package dev.serval.gateway.internal;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Sends a request to a replica that serves its model, retrying on others within the deadline,
 * then to the model's backup when none could serve it; stamps the request id and what served it
 * on the answer and records the metrics.
 */
public final class Forwarder {
  public static final String REQUEST_ID = "x-request-id";
  /** The replica that answered. */
  public static final String UPSTREAM = "x-serval-upstream";
  /** Set, to the backup model's name, when the backup answered instead of the requested model. */
  public static final String SERVED_BY = "x-serval-served-by";

  private final Attempts.Routing routing;
  private final UpstreamPool pool;
  private final GatewayMetrics metrics;
  private final Map<String, String> backups;
  private final LongSupplier nanoClock;
  private final Supplier<String> requestIds;

  /**
   * @param backups primary model name to the model that answers when no replica can serve it
   * @param maxRetries how many other replicas a request may be sent to after the first
   */
  public Forwarder(UpstreamPool pool, GatewayMetrics metrics, Map<String, String> backups,
      int maxRetries, LongSupplier nanoClock, Supplier<String> requestIds) {
    this.routing = new Attempts.Routing(pool, metrics, maxRetries, nanoClock);
    this.pool = pool;
    this.metrics = metrics;
    this.backups = Map.copyOf(backups);
    this.nanoClock = nanoClock;
    this.requestIds = requestIds;
  }

  /**
   * One request to forward.
   *
   * @param model the model to route by; null when any healthy replica can answer
   * @param version a version number or alias; null for the model's default
   * @param toBackup the same request for another model; null when it must not fail over
   * @param timeoutNanos how long the request may take in all
   */
  record Call(Protocol protocol, AggregatedHttpRequest request, String model, String version,
      Function<String, AggregatedHttpRequest> toBackup, long timeoutNanos) {}

  CompletableFuture<AggregatedHttpResponse> forward(Call call) {
    long start = nanoClock.getAsLong();
    String requestId = requestId(call.request());
    AggregatedHttpRequest request = withRequestId(call.request(), requestId);
    long deadline = start + call.timeoutNanos();
    String backup = call.toBackup() == null ? null : backups.get(call.model());
    return new Attempts(routing, call.protocol(), call.model(), call.version(), request, deadline)
        .run()
        .thenCompose(outcome -> {
          if (outcome.served() || backup == null) {
            return CompletableFuture.completedFuture(outcome);
          }
          metrics.failover(call.model(), backup);
          AggregatedHttpRequest toBackup = withRequestId(call.toBackup().apply(backup), requestId);
          return new Attempts(routing, call.protocol(), backup, null, toBackup, deadline).run()
              .thenApply(o -> o.viaBackup(backup, outcome));
        })
        .thenApply(outcome -> answer(call, outcome, requestId, start));
  }

  private String requestId(AggregatedHttpRequest request) {
    String id = request.headers().get(REQUEST_ID);
    return id == null || id.isBlank() ? requestIds.get() : id;
  }

  /** Copies the headers only when they lack the id: the server's decorator usually set it. */
  private static AggregatedHttpRequest withRequestId(AggregatedHttpRequest request, String id) {
    if (id.equals(request.headers().get(REQUEST_ID))) {
      return request;
    }
    return AggregatedHttpRequest.of(request.headers().toBuilder().set(REQUEST_ID, id).build(),
        request.content(), request.trailers());
  }

  private AggregatedHttpResponse answer(Call call, Outcome outcome, String requestId,
      long start) {
    AggregatedHttpResponse response = outcome.response() != null ? outcome.response()
        : call.protocol().error(errorStatus(call.model(), outcome), outcome.failure());
    ResponseHeadersBuilder headers = response.headers().toBuilder().set(REQUEST_ID, requestId);
    String upstream = GatewayMetrics.NO_UPSTREAM;
    if (outcome.upstream() != null) {
      upstream = outcome.upstream().toString();
      headers.set(UPSTREAM, upstream);
    }
    if (outcome.backup() != null) {
      headers.set(SERVED_BY, outcome.backup());
    }
    metrics.request(modelTag(call.model()), upstream, call.protocol().statusTag(response),
        nanoClock.getAsLong() - start);
    return AggregatedHttpResponse.of(headers.build(), response.content(), response.trailers());
  }

  /** 404 for a model no replica has reported, 503 for one whose replicas cannot serve now. */
  private HttpStatus errorStatus(String model, Outcome outcome) {
    if (outcome.expired()) {
      return HttpStatus.GATEWAY_TIMEOUT;
    }
    return model != null && !isKnown(model) ? HttpStatus.NOT_FOUND : HttpStatus.SERVICE_UNAVAILABLE;
  }

  private String modelTag(String model) {
    if (model == null) {
      return GatewayMetrics.NO_MODEL;
    }
    return isKnown(model) ? model : GatewayMetrics.UNKNOWN_MODEL;
  }

  /** Reported by a replica at some point, or configured with a backup. */
  private boolean isKnown(String model) {
    return pool.knows(model) || backups.containsKey(model);
  }
}
