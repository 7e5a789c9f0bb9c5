package dev.serval.server.observability.internal;

import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.server.api.RequestAttributes;
import dev.serval.server.api.RouteTemplates;
import io.grpc.Status;
import java.time.Instant;

/**
 * What the access log, the metrics and the trace span say about one finished request, read once
 * from its {@link RequestLog}.
 *
 * @param route the route's path template, such as {@code /v2/models/{model}/infer}
 * @param grpcStatus the gRPC status code name, or null for a REST request
 * @param model the model the request addressed, or null for server-wide routes
 * @param keyId the API key that authenticated it, or null when keys are off
 */
public record CompletedRequest(
    Instant time,
    String requestId,
    String remoteAddress,
    String method,
    String path,
    String route,
    Protocol protocol,
    String httpVersion,
    int httpStatus,
    String grpcStatus,
    long latencyNanos,
    long requestBytes,
    long responseBytes,
    String model,
    String keyId,
    String userAgent) {

  /** The API a request used. */
  public enum Protocol {
    REST,
    GRPC;

    /** The lower-case name used in logs, tags and spans. */
    public String tag() {
      return this == REST ? "rest" : "grpc";
    }
  }

  private static final String GRPC_STATUS = "grpc-status";

  public static CompletedRequest of(RequestLog log, String requestId) {
    ServiceRequestContext ctx = (ServiceRequestContext) log.context();
    Protocol protocol = isGrpc(log) ? Protocol.GRPC : Protocol.REST;
    return new CompletedRequest(
        Instant.ofEpochSecond(0, log.requestStartTimeMicros() * 1000),
        requestId,
        ctx.clientAddress().getHostAddress(),
        log.requestHeaders().method().name(),
        log.requestHeaders().path(),
        RouteTemplates.of(ctx),
        protocol,
        log.sessionProtocol().isExplicitHttp2() ? "HTTP/2" : "HTTP/1.1",
        log.responseStatus().code(),
        protocol == Protocol.GRPC ? grpcStatus(log) : null,
        log.totalDurationNanos(),
        log.requestLength(),
        log.responseLength(),
        ctx.attr(RequestAttributes.MODEL),
        ctx.attr(RequestAttributes.KEY_ID),
        log.requestHeaders().get(HttpHeaderNames.USER_AGENT));
  }

  /** The gRPC status name for gRPC, else the HTTP status code. */
  public String status() {
    return grpcStatus != null ? grpcStatus : Integer.toString(httpStatus);
  }

  /** Whether the server failed the request (5xx, or a gRPC code that means a server fault). */
  public boolean isServerError() {
    if (grpcStatus == null) {
      return httpStatus >= 500;
    }
    return switch (Status.Code.valueOf(grpcStatus)) {
      case UNKNOWN, INTERNAL, UNAVAILABLE, DATA_LOSS, DEADLINE_EXCEEDED, UNIMPLEMENTED -> true;
      default -> false;
    };
  }

  private static boolean isGrpc(RequestLog log) {
    String contentType = log.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
    return contentType != null && contentType.startsWith("application/grpc");
  }

  /**
   * From the trailers, or from the headers of a trailers-only answer; UNKNOWN when the call
   * ended without one (the connection broke).
   */
  private static String grpcStatus(RequestLog log) {
    String code = status(log.responseTrailers());
    if (code == null) {
      code = status(log.responseHeaders());
    }
    return code == null ? Status.Code.UNKNOWN.name() : code;
  }

  private static String status(HttpHeaders headers) {
    Integer value = headers.getInt(GRPC_STATUS);
    return value == null ? null : Status.fromCodeValue(value).getCode().name();
  }
}
