package dev.serval.async.internal;

import dev.serval.async.AsyncKind;
import dev.serval.async.AsyncState;
import dev.serval.async.DeliveryState;
import dev.serval.async.Invocation;
import java.util.Map;

/** A claimed request as the worker needs it: what to run, how far it got, what to deliver. */
public record StoredRequest(
    String id,
    AsyncKind kind,
    AsyncState state,
    String model,
    String version,
    String contentType,
    byte[] body,
    Map<String, String> headers,
    String replyTo,
    String callbackUrl,
    int attempts,
    int done,
    int callbackAttempts,
    DeliveryState callbackState,
    DeliveryState replyState) {

  /** The whole stored request as one invocation (a single inference). */
  public Invocation invocation() {
    return invocation(contentType, body);
  }

  /** One batch line (or any other body) for this request's model and version. */
  public Invocation invocation(String lineContentType, byte[] lineBody) {
    return new Invocation(model, version, lineContentType, lineBody, headers);
  }
}
