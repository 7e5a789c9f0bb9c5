package dev.serval.gateway.internal;

import com.linecorp.armeria.client.RequestOptions;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The attempts at one model for one request: the least-loaded replica that serves it, and after a
 * transport failure or a 502/503 another one, up to the retry limit and within the deadline. A
 * 4xx (or any other answer) is final: the replica judged the request itself.
 */
final class Attempts {
  /** What every request's attempts share. */
  record Routing(UpstreamPool pool, GatewayMetrics metrics, int maxRetries,
      LongSupplier nanoClock) {}

  private final Routing routing;
  private final Protocol protocol;
  private final String model;
  private final String version;
  private final AggregatedHttpRequest request;
  private final long deadline;
  private final Set<Upstream> tried = new HashSet<>();
  private final List<String> failures = new ArrayList<>();
  private final CompletableFuture<Outcome> result = new CompletableFuture<>();
  private int sent;
  private AggregatedHttpResponse lastAnswer;
  private Upstream lastUpstream;

  Attempts(Routing routing, Protocol protocol, String model, String version,
      AggregatedHttpRequest request, long deadline) {
    this.routing = routing;
    this.protocol = protocol;
    this.model = model;
    this.version = version;
    this.request = request;
    this.deadline = deadline;
  }

  CompletableFuture<Outcome> run() {
    attempt();
    return result;
  }

  private void attempt() {
    long remaining = deadline - routing.nanoClock().getAsLong();
    if (remaining <= 0) {
      failures.add("the request's deadline passed");
      result.complete(Outcome.unserved(lastAnswer, lastUpstream, describeFailures(), true));
      return;
    }
    Upstream upstream = routing.pool().pick(model, version, tried);
    if (upstream == null) {
      if (sent == 0) {
        failures.add(model == null ? "no replica is healthy"
            : "no healthy replica has it READY (or their circuits are open)");
      }
      result.complete(Outcome.unserved(lastAnswer, lastUpstream, describeFailures(), false));
      return;
    }
    if (sent++ > 0) {
      routing.metrics().retry(modelTag());
    }
    upstream.started();
    RequestOptions options =
        RequestOptions.builder().responseTimeout(Duration.ofNanos(remaining)).build();
    upstream.client().execute(request.toHttpRequest(), options).aggregate()
        .handle((answer, error) -> {
          upstream.ended();
          answered(upstream, answer, error);
          return null;
        });
  }

  private void answered(Upstream upstream, AggregatedHttpResponse answer, Throwable error) {
    if (error == null && !protocol.isFailure(answer)) {
      upstream.circuit().onSuccess();
      result.complete(Outcome.served(answer, upstream));
      return;
    }
    upstream.circuit().onFailure();
    routing.metrics().upstreamFailure(upstream);
    if (error == null && !protocol.isRetriable(answer)) {
      result.complete(Outcome.served(answer, upstream));
      return;
    }
    tried.add(upstream);
    if (answer != null) {
      lastAnswer = answer;
      lastUpstream = upstream;
    }
    failures.add(upstream + " " + (error != null ? Failures.describe(error)
        : "answered " + answer.status()));
    if (sent <= routing.maxRetries()) {
      attempt();
    } else {
      result.complete(Outcome.unserved(lastAnswer, lastUpstream, describeFailures(), false));
    }
  }

  private String modelTag() {
    return model == null ? GatewayMetrics.NO_MODEL : model;
  }

  private String describeFailures() {
    String what = model == null ? "the request" : "model '" + model + "'";
    return "no replica could serve " + what + ": " + String.join("; ", failures)
        + " (see GET /gateway/upstreams)";
  }
}
