package dev.serval.serving.internal;

import dev.serval.core.ServalException;
import java.util.Locale;

/** How a request ended, as counted in the {@code serval_requests_total} metric. */
enum Outcome {
  SUCCESS,
  INVALID,
  TIMEOUT,
  REJECTED,
  ERROR;

  String tag() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Outcome of(Throwable failure) {
    if (!(failure instanceof ServalException)) {
      return ERROR;
    }
    return switch (((ServalException) failure).kind()) {
      case INVALID_ARGUMENT, PAYLOAD_TOO_LARGE, CONFLICT -> INVALID;
      case DEADLINE_EXCEEDED -> TIMEOUT;
      case RESOURCE_EXHAUSTED, UNAVAILABLE, INSUFFICIENT_STORAGE, UNAUTHENTICATED,
          PERMISSION_DENIED -> REJECTED;
      case NOT_FOUND, INTERNAL -> ERROR;
    };
  }
}
