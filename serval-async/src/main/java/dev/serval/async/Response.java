package dev.serval.async;

import dev.serval.core.InvalidInputException;
import java.util.Map;

/**
 * An answer as the synchronous call would have sent it: status, content type, the headers that
 * are part of the answer (such as the JSON length of a binary one) and the body.
 */
public record Response(int status, String contentType, Map<String, String> headers, byte[] body) {
  public Response {
    if (status < 100 || status > 599) {
      throw new InvalidInputException("status must be within 100..599 but was " + status);
    }
    if (contentType == null || contentType.isBlank()) {
      throw new InvalidInputException("contentType must not be blank but was '" + contentType
          + "'");
    }
    headers = Map.copyOf(headers);
    if (body == null) {
      throw new InvalidInputException("body must not be null");
    }
  }

  public boolean isSuccess() {
    return status / 100 == 2;
  }
}
