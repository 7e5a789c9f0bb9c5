package dev.serval.server.security.internal;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.RequestHeaders;
import dev.serval.core.UnauthenticatedException;

/**
 * The API key a request carries: {@code Authorization: Bearer <key>} or {@code x-api-key: <key>},
 * as HTTP headers or the same gRPC metadata.
 */
final class Credentials {
  static final String API_KEY_HEADER = "x-api-key";
  private static final String BEARER = "bearer ";

  private Credentials() {}

  /** @throws UnauthenticatedException when the request carries no key */
  static String token(RequestHeaders headers) {
    String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
    if (authorization != null) {
      if (authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        return authorization.substring(BEARER.length()).trim();
      }
      throw new UnauthenticatedException("the Authorization header must be 'Bearer <API key>'");
    }
    String apiKey = headers.get(API_KEY_HEADER);
    if (apiKey != null) {
      return apiKey.trim();
    }
    throw new UnauthenticatedException("this server requires an API key: send"
        + " 'Authorization: Bearer <key>' or 'x-api-key: <key>' (the CLI takes --api-key or"
        + " SERVAL_API_KEY); an admin creates keys with ./serval keys create");
  }

  /** The token, or null when there is none: what may be looked up ahead of the checks. */
  static String tokenOrNull(RequestHeaders headers) {
    try {
      return token(headers);
    } catch (UnauthenticatedException e) {
      return null;
    }
  }
}
