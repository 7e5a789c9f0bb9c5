package dev.serval.server.api.internal;

import dev.serval.core.InvalidInputException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** The inference request parameters that Serval reads, the same over REST and gRPC. */
public final class RequestParameters {
  public static final String TIMEOUT = "timeout";

  private RequestParameters() {}

  /**
   * The request's own queue timeout: parameter {@value #TIMEOUT}, in microseconds; null when it
   * is absent or 0, so that the model's default applies.
   *
   * @throws InvalidInputException when it is not a non-negative integer
   */
  public static Duration timeout(Map<String, Object> parameters) {
    Object value = parameters.get(TIMEOUT);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Long) || (Long) value < 0) {
      throw new InvalidInputException(
          "request parameter 'timeout' must be a non-negative integer of microseconds but was "
              + value);
    }
    long micros = (Long) value;
    // As in Triton, 0 means no timeout of the request's own.
    return micros == 0 ? null : Duration.of(micros, ChronoUnit.MICROS);
  }
}
