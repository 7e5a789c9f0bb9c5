package dev.serval.server.observability.internal;

import com.linecorp.armeria.common.RequestHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.concurrent.TimeUnit;

/**
 * One OpenTelemetry server span per request, child of the caller's W3C {@code traceparent} when
 * it sends one. Attribute names follow the OpenTelemetry HTTP and RPC conventions; Serval's own
 * start with {@code serval.}.
 */
public final class ServerSpans {
  private static final TextMapGetter<RequestHeaders> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RequestHeaders headers) {
          return headers.names().stream().map(Object::toString).toList();
        }

        @Override
        public String get(RequestHeaders headers, String key) {
          return headers == null ? null : headers.get(key);
        }
      };

  private final Tracer tracer;

  public ServerSpans(Tracer tracer) {
    this.tracer = tracer;
  }

  /** Starts the span at the request's arrival; {@link #end} names and ends it. */
  public Span start(RequestHeaders headers, long startEpochMicros) {
    Context parent =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
    return tracer
        .spanBuilder(headers.method().name())
        .setSpanKind(SpanKind.SERVER)
        .setParent(parent)
        .setStartTimestamp(startEpochMicros, TimeUnit.MICROSECONDS)
        .startSpan();
  }

  public static void end(Span span, CompletedRequest request) {
    span.setAttribute("http.request.method", request.method());
    span.setAttribute("url.path", request.path());
    span.setAttribute("http.response.status_code", request.httpStatus());
    span.setAttribute("network.protocol.version", request.httpVersion().substring(5));
    span.setAttribute("client.address", request.remoteAddress());
    setIfPresent(span, "user_agent.original", request.userAgent());
    span.setAttribute("serval.request_id", request.requestId());
    setIfPresent(span, "serval.model", request.model());
    setIfPresent(span, "serval.key_id", request.keyId());
    if (request.protocol() == CompletedRequest.Protocol.GRPC) {
      // The path of a gRPC call is /package.Service/Method.
      String method = request.path().substring(1);
      span.updateName(method);
      span.setAttribute("rpc.system", "grpc");
      span.setAttribute("rpc.method", method);
      span.setAttribute("rpc.grpc.status_code",
          io.grpc.Status.Code.valueOf(request.grpcStatus()).value());
    } else {
      span.updateName(request.method() + " " + request.route());
      span.setAttribute("http.route", request.route());
    }
    if (request.isServerError()) {
      span.setStatus(StatusCode.ERROR, request.status());
    }
    long startNanos = TimeUnit.SECONDS.toNanos(request.time().getEpochSecond())
        + request.time().getNano();
    span.end(startNanos + request.latencyNanos(), TimeUnit.NANOSECONDS);
  }

  private static void setIfPresent(Span span, String key, String value) {
    if (value != null) {
      span.setAttribute(key, value);
    }
  }
}
