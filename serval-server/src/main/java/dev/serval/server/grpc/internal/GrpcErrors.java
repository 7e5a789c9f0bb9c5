package dev.serval.server.grpc.internal;

import com.linecorp.armeria.common.util.Exceptions;
import dev.serval.core.TooManyRequestsException;
import dev.serval.core.ServalException;
import dev.serval.server.api.ErrorStatus;
import dev.serval.server.api.internal.HttpErrors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become gRPC statuses: domain errors through {@link ErrorStatus}
 * (the mapping the REST API uses), with the message as the description.
 */
public final class GrpcErrors {
  /** As the REST API's header: whole seconds after which a full queue may have room. */
  static final Metadata.Key<String> RETRY_AFTER =
      Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);
  private static final String INTERNAL_MESSAGE = "internal server error";

  private GrpcErrors() {}

  public static StatusRuntimeException toStatus(Throwable failure) {
    Throwable cause = Exceptions.peel(failure);
    if (cause instanceof ServalException e) {
      return domainError(e);
    }
    if (cause instanceof StatusRuntimeException e) {
      return e;
    }
    if (cause instanceof CancellationException) {
      return Status.CANCELLED.withDescription("the request was cancelled").asRuntimeException();
    }
    log.error("Unexpected failure while serving a gRPC request", cause);
    return Status.INTERNAL.withDescription(INTERNAL_MESSAGE).asRuntimeException();
  }

  /** The message for a stream's {@code error_message}. */
  static String message(Throwable failure) {
    Status status = toStatus(failure).getStatus();
    return status.getDescription() == null ? status.getCode().name() : status.getDescription();
  }

  private static StatusRuntimeException domainError(ServalException e) {
    ErrorStatus mapped = ErrorStatus.of(e.kind());
    if (mapped == ErrorStatus.INTERNAL) {
      // One failed batch fails many requests: keep the stack trace for debugging only.
      log.warn("gRPC request failed: {}", e.getMessage());
      log.debug("gRPC request failure", e);
    }
    Status status = Status.fromCode(Status.Code.valueOf(mapped.grpcCode()));
    if (e.getMessage() != null) {
      status = status.withDescription(e.getMessage());
    }
    Metadata trailers = new Metadata();
    if (e instanceof TooManyRequestsException full) {
      trailers.put(RETRY_AFTER, Long.toString(HttpErrors.retryAfterSeconds(full)));
    }
    return status.asRuntimeException(trailers);
  }
}
