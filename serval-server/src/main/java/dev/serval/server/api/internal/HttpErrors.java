package dev.serval.server.api.internal;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.CancellationException;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.stream.AbortedStreamException;
import com.linecorp.armeria.common.stream.CancelledSubscriptionException;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.server.HttpResponseException;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.RequestTimeoutException;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.core.TooManyRequestsException;
import dev.serval.core.ServalException;
import dev.serval.server.api.ErrorStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses: a status and {@code {"error": "..."}}. Maps
 * domain errors through {@link ErrorStatus}, and renders Armeria's own refusals (unknown route,
 * wrong method, body over the limit) in the same shape.
 */
public final class HttpErrors implements ServerErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(HttpErrors.class);
  private static final String INTERNAL_MESSAGE = "internal server error";

  private final long maxRequestBytes;

  public HttpErrors(long maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  /** The response for a failure of a request; unexpected failures are logged. */
  public HttpResponse toResponse(Throwable failure) {
    Throwable cause = Exceptions.peel(failure);
    if (cause instanceof ServalException) {
      return domainError((ServalException) cause);
    }
    if (cause instanceof HttpResponseException) {
      return ((HttpResponseException) cause).httpResponse();
    }
    if (cause instanceof HttpStatusException) {
      HttpStatus status = ((HttpStatusException) cause).httpStatus();
      return error(status, describe(status, null, null));
    }
    if (cause instanceof ContentTooLargeException) {
      return error(HttpStatus.REQUEST_ENTITY_TOO_LARGE, tooLargeMessage());
    }
    if (cause instanceof RequestTimeoutException) {
      return error(HttpStatus.SERVICE_UNAVAILABLE, "the request did not complete in time");
    }
    if (isAbandoned(cause)) {
      // The client went away or a response was already sent; nobody will read this one.
      log.debug("Request abandoned", cause);
      return error(HttpStatus.SERVICE_UNAVAILABLE, "the request was abandoned");
    }
    log.error("Unexpected failure while serving a request", cause);
    return error(HttpStatus.INTERNAL_SERVER_ERROR, INTERNAL_MESSAGE);
  }

  /**
   * Runs {@code work} on the request's blocking-task threads (database and file work must not
   * hold the event loop), answering its failure with {@link #toResponse}.
   */
  public HttpResponse blocking(ServiceRequestContext ctx, Supplier<HttpResponse> work) {
    return HttpResponse.of(CompletableFuture.supplyAsync(work, ctx.blockingTaskExecutor())
        .exceptionally(this::toResponse));
  }

  @Override
  public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    return toResponse(cause);
  }

  @Override
  public AggregatedHttpResponse renderStatus(
      ServiceRequestContext ctx,
      ServiceConfig config,
      RequestHeaders headers,
      HttpStatus status,
      String description,
      Throwable cause) {
    return AggregatedHttpResponse.of(
        status,
        MediaType.JSON_UTF_8,
        HttpData.wrap(ProtocolJson.error(describe(status, headers, description))));
  }

  private HttpResponse domainError(ServalException e) {
    ErrorStatus mapped = ErrorStatus.of(e.kind());
    HttpStatus status = HttpStatus.valueOf(mapped.httpStatus());
    if (mapped == ErrorStatus.INTERNAL) {
      // One failed batch fails many requests: keep the stack trace for debugging only.
      log.warn("Request failed: {}", e.getMessage());
      log.debug("Request failure", e);
    }
    String message = e.getMessage() == null ? status.reasonPhrase() : e.getMessage();
    if (e instanceof TooManyRequestsException) {
      ResponseHeaders headers =
          ResponseHeaders.builder(status)
              .contentType(MediaType.JSON_UTF_8)
              .setLong(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds(((TooManyRequestsException) e)))
              .build();
      return HttpResponse.of(headers, HttpData.wrap(ProtocolJson.error(message)));
    }
    return error(status, message);
  }

  private static boolean isAbandoned(Throwable cause) {
    return cause instanceof CancellationException
        || cause instanceof ClosedStreamException
        || cause instanceof AbortedStreamException
        || cause instanceof CancelledSubscriptionException
        // A gRPC client that cancelled, or whose deadline passed.
        || cause instanceof StatusRuntimeException grpc
            && grpc.getStatus().getCode() == Status.Code.CANCELLED;
  }

  /** Whole seconds, rounded up and at least one, as Retry-After allows no fractions. */
  public static long retryAfterSeconds(TooManyRequestsException e) {
    Duration retryAfter = e.retryAfter();
    if (retryAfter == null || retryAfter.isNegative()) {
      return 1;
    }
    long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }

  private String describe(HttpStatus status, RequestHeaders headers, String description) {
    if (status == HttpStatus.REQUEST_ENTITY_TOO_LARGE) {
      return tooLargeMessage();
    }
    if (headers != null && status == HttpStatus.NOT_FOUND) {
      return "no such endpoint: " + headers.method() + " " + headers.path();
    }
    if (headers != null && status == HttpStatus.METHOD_NOT_ALLOWED) {
      return "method " + headers.method() + " is not allowed on " + headers.path();
    }
    return description == null ? status.reasonPhrase() : description;
  }

  private String tooLargeMessage() {
    return "request body is larger than the limit of " + maxRequestBytes + " bytes";
  }

  private static HttpResponse error(HttpStatus status, String message) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, ProtocolJson.error(message));
  }
}
