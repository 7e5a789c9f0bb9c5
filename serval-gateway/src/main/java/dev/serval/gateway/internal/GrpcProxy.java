package dev.serval.gateway.internal;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The KServe v2 {@code inference.GRPCInferenceService} over h2c: model-scoped calls go to a
 * replica that serves the model named in the request message (ModelInfer may fail over to a
 * backup model), server-wide ones to any healthy replica. Streaming inference and model
 * load/unload are not proxied.
 */
public final class GrpcProxy implements HttpService {
  public static final String PREFIX = "/inference.GRPCInferenceService/";

  private static final String INFER = "ModelInfer";
  private static final Set<String> MODEL_CALLS =
      Set.of(INFER, "ModelReady", "ModelMetadata", "ModelStatistics");
  private static final Set<String> SERVER_CALLS =
      Set.of("ServerLive", "ServerReady", "ServerMetadata", "RepositoryIndex");

  private final Forwarder forwarder;

  public GrpcProxy(Forwarder forwarder) {
    this.forwarder = forwarder;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    String method = ctx.path().substring(PREFIX.length());
    if (!MODEL_CALLS.contains(method) && !SERVER_CALLS.contains(method)) {
      return toHttpResponse(GrpcProtocol.INSTANCE.error(HttpStatus.NOT_IMPLEMENTED,
          "the gateway does not proxy " + method + "; use ModelInfer, or call the replicas"
              + " directly"));
    }
    long timeout = Math.min(RestProxy.timeoutNanos(ctx), GrpcTimeout.nanos(req.headers()));
    return HttpResponse.of(req.aggregate().thenCompose(request -> {
      try {
        return forwarder.forward(call(method, request, timeout));
      } catch (IllegalArgumentException e) {
        return CompletableFuture.completedFuture(
            GrpcProtocol.INSTANCE.error(HttpStatus.BAD_REQUEST, e.getMessage()));
      }
    }).thenApply(GrpcProxy::toHttpResponse));
  }

  /**
   * A gRPC error comes as headers that end the stream ("trailers-only"); without that flag an
   * empty data frame would end it, which gRPC clients reject.
   */
  private static HttpResponse toHttpResponse(AggregatedHttpResponse response) {
    return response.content().isEmpty() && response.trailers().isEmpty()
        ? HttpResponse.of(response.headers().toBuilder().endOfStream(true).build())
        : response.toHttpResponse();
  }

  private static Forwarder.Call call(String method, AggregatedHttpRequest request, long timeout) {
    if (!MODEL_CALLS.contains(method)) {
      return new Forwarder.Call(GrpcProtocol.INSTANCE, request, null, null, null, timeout);
    }
    byte[] body = request.content().array();
    GrpcMessages.ModelRef ref = GrpcMessages.modelOf(body);
    String model = ref.model().isEmpty() ? null : ref.model();
    Function<String, AggregatedHttpRequest> toBackup = method.equals(INFER)
        ? backup -> AggregatedHttpRequest.of(request.headers(),
            HttpData.wrap(GrpcMessages.withModel(body, backup)), request.trailers())
        : null;
    return new Forwarder.Call(GrpcProtocol.INSTANCE, request, model, ref.version(), toBackup,
        timeout);
  }
}
