package dev.serval.server.observability;

import com.linecorp.armeria.client.DecoratingHttpClientFunction;
import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.server.api.RequestAttributes;
import io.netty.util.AttributeKey;

/**
 * Request ids: each request keeps the {@code x-request-id} its caller sent when that is sane, or
 * gets a new one; the id comes back on the response, goes into the access log and the trace span,
 * and on to upstreams through {@link #propagate()}.
 */
public final class RequestIds {
  /** The id of the request being served; see {@link #of}. */
  public static final AttributeKey<String> ATTRIBUTE =
      AttributeKey.valueOf(RequestIds.class, "REQUEST_ID");

  /** Longer ids are replaced: a log line should not carry a caller's essay. */
  static final int MAX_LENGTH = 128;

  private RequestIds() {}

  /**
   * The request id of the request being served in {@code ctx}, also from the context of a client
   * call made while serving it; null outside a request.
   */
  public static String of(RequestContext ctx) {
    return ctx.attr(ATTRIBUTE);
  }

  /**
   * A client decorator that sends the id of the request being served as {@code x-request-id}
   * on every upstream call made while serving it:
   * {@code WebClient.builder(upstream).decorator(RequestIds.propagate())}.
   */
  public static DecoratingHttpClientFunction propagate() {
    return (delegate, ctx, req) -> {
      String id = of(ctx);
      if (id != null) {
        ctx.setAdditionalRequestHeader(RequestAttributes.REQUEST_ID_HEADER, id);
      }
      return delegate.execute(ctx, req);
    };
  }

  /** Keeps a sane incoming id or makes one, records it and echoes it on the response. */
  static String assign(ServiceRequestContext ctx, RequestHeaders headers) {
    String incoming = headers.get(RequestAttributes.REQUEST_ID_HEADER);
    // Armeria's own request id: 64 random bits, already made for every request.
    String id = isSane(incoming) ? incoming : ctx.id().text();
    ctx.setAttr(ATTRIBUTE, id);
    ctx.setAdditionalResponseHeader(RequestAttributes.REQUEST_ID_HEADER, id);
    return id;
  }

  /**
   * Letters, digits and {@code - _ . : / + =} (UUIDs, trace ids, base64), up to
   * {@value #MAX_LENGTH} characters; nothing that could break a log line or a header.
   */
  static boolean isSane(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!letter && !(c >= '0' && c <= '9') && "-_.:/+=".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }
}
