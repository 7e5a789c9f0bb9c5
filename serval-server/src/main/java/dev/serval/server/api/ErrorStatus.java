package dev.serval.server.api;

import dev.serval.core.ErrorKind;

/**
 * How each {@link ErrorKind} is reported over the wire: the HTTP status of the REST API and the
 * gRPC status code name, so that every protocol maps domain errors the same way.
 */
public enum ErrorStatus {
  INVALID_ARGUMENT(400, "INVALID_ARGUMENT"),
  NOT_FOUND(404, "NOT_FOUND"),
  CONFLICT(409, "FAILED_PRECONDITION"),
  UNAVAILABLE(503, "UNAVAILABLE"),
  UNAUTHENTICATED(401, "UNAUTHENTICATED"),
  PERMISSION_DENIED(403, "PERMISSION_DENIED"),
  RESOURCE_EXHAUSTED(429, "RESOURCE_EXHAUSTED"),
  DEADLINE_EXCEEDED(504, "DEADLINE_EXCEEDED"),
  // gRPC has no "too large" code; its own size limit reports RESOURCE_EXHAUSTED.
  PAYLOAD_TOO_LARGE(413, "RESOURCE_EXHAUSTED"),
  // 507 as DJL Serving answers when a model does not fit.
  INSUFFICIENT_STORAGE(507, "RESOURCE_EXHAUSTED"),
  INTERNAL(500, "INTERNAL");

  private final int httpStatus;
  private final String grpcCode;

  ErrorStatus(int httpStatus, String grpcCode) {
    this.httpStatus = httpStatus;
    this.grpcCode = grpcCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The name of the {@code io.grpc.Status.Code} constant. */
  public String grpcCode() {
    return grpcCode;
  }

  public static ErrorStatus of(ErrorKind kind) {
    // A switch expression, so that a new ErrorKind does not compile until it is mapped here.
    return switch (kind) {
      case INVALID_ARGUMENT -> INVALID_ARGUMENT;
      case NOT_FOUND -> NOT_FOUND;
      case CONFLICT -> CONFLICT;
      case UNAVAILABLE -> UNAVAILABLE;
      case UNAUTHENTICATED -> UNAUTHENTICATED;
      case PERMISSION_DENIED -> PERMISSION_DENIED;
      case RESOURCE_EXHAUSTED -> RESOURCE_EXHAUSTED;
      case DEADLINE_EXCEEDED -> DEADLINE_EXCEEDED;
      case PAYLOAD_TOO_LARGE -> PAYLOAD_TOO_LARGE;
      case INSUFFICIENT_STORAGE -> INSUFFICIENT_STORAGE;
      case INTERNAL -> INTERNAL;
    };
  }
}
