package dev.serval.gateway.internal;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Open Inference Protocol REST routes under {@code /v2}: model routes go to a replica that
 * serves the model (inference may fail over to a backup model), the repository index is the
 * union of the replicas' READY models, and the rest goes to any healthy replica.
 */
public final class RestProxy implements HttpService {
  /** {@code /v2/models/{model}[/versions/{version}][/infer|/ready|/stats]}. */
  private static final Pattern MODEL_ROUTE =
      Pattern.compile("/v2/models/([^/]+)(?:/versions/([^/]+))?(/infer|/ready|/stats)?");
  private static final String INFER = "/infer";

  private final Forwarder forwarder;
  private final UpstreamPool pool;

  public RestProxy(Forwarder forwarder, UpstreamPool pool) {
    this.forwarder = forwarder;
    this.pool = pool;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    String path = ctx.path();
    if (path.equals("/v2/repository/index")) {
      return GatewayJson.index(pool.readyModels()).toHttpResponse();
    }
    if (path.startsWith("/v2/repository/")) {
      return GatewayJson.error(HttpStatus.NOT_IMPLEMENTED, "the gateway does not load or unload "
          + "models; call " + path + " on each replica (GET /gateway/upstreams lists them)")
          .toHttpResponse();
    }
    long timeout = timeoutNanos(ctx);
    return HttpResponse.of(req.aggregate()
        .thenCompose(request -> forwarder.forward(call(path, request, timeout)))
        .thenApply(response -> response.toHttpResponse()));
  }

  private static Forwarder.Call call(String path, AggregatedHttpRequest request, long timeout) {
    Matcher m = MODEL_ROUTE.matcher(path);
    // "/v2/models/stats" is the statistics of every model, not a model named "stats".
    if (!m.matches() || path.equals("/v2/models/stats")) {
      return new Forwarder.Call(Protocol.REST, request, null, null, null, timeout);
    }
    Function<String, AggregatedHttpRequest> toBackup = INFER.equals(m.group(3))
        ? backup -> AggregatedHttpRequest.of(request.headers().toBuilder()
            .path("/v2/models/" + backup + INFER).build(), request.content(), request.trailers())
        : null;
    return new Forwarder.Call(Protocol.REST, request, m.group(1), m.group(2), toBackup, timeout);
  }

  /** The server's request timeout for this request; "none" is a day. */
  static long timeoutNanos(ServiceRequestContext ctx) {
    long millis = ctx.requestTimeoutMillis();
    return TimeUnit.MILLISECONDS.toNanos(millis > 0 ? millis : TimeUnit.DAYS.toMillis(1));
  }
}
