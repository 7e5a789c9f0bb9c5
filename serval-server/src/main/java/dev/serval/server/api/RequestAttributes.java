package dev.serval.server.api;

import io.netty.util.AttributeKey;

/**
 * What the API layer learns about a request beyond its content: set by the decorators and
 * handlers that learn it, read by the access log and the per-key and per-model metrics.
 */
public final class RequestAttributes {
  /** The id of the API key that authenticated the request; absent when keys are off. */
  public static final AttributeKey<String> KEY_ID =
      AttributeKey.valueOf(RequestAttributes.class, "KEY_ID");

  /** The model an inference or management request addresses; absent for server-wide routes. */
  public static final AttributeKey<String> MODEL =
      AttributeKey.valueOf(RequestAttributes.class, "MODEL");

  /** The header that carries a request's id in and out, and on to upstreams. */
  public static final String REQUEST_ID_HEADER = "x-request-id";

  private RequestAttributes() {}
}
