package dev.serval.async;

import java.util.Map;

/**
 * One inference to run: what the client sent, for the handler to decode exactly as a synchronous
 * call would. A batch hands each line over as its own invocation.
 *
 * @param version the version or alias the client named; null for the model's default
 * @param headers the request headers the handler needs besides the content type, lower-case
 */
public record Invocation(
    String model, String version, String contentType, byte[] body, Map<String, String> headers) {
  public Invocation {
    headers = Map.copyOf(headers);
  }
}
