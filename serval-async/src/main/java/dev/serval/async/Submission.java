package dev.serval.async;

import dev.serval.core.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * An accepted request as it is stored: what to run and where to deliver the result.
 *
 * @param version the version or alias from the path; null for the model's default
 * @param headers request headers the handler needs besides the content type, lower-case
 * @param replyTo a RabbitMQ queue to publish the result to, or null
 * @param callbackUrl an http(s) URL to POST the result to, or null
 */
public record Submission(
    AsyncKind kind,
    String model,
    String version,
    String contentType,
    byte[] body,
    Map<String, String> headers,
    String replyTo,
    String callbackUrl) {
  /** RabbitMQ's limit on queue names. */
  private static final int MAX_QUEUE_NAME = 255;

  public Submission {
    if (kind == null) {
      throw new InvalidInputException("kind must not be null");
    }
    if (model == null || model.isBlank()) {
      throw new InvalidInputException("model must not be blank but was '" + model + "'");
    }
    if (contentType == null || contentType.isBlank()) {
      throw new InvalidInputException("the request needs a Content-Type");
    }
    if (body == null) {
      throw new InvalidInputException("body must not be null");
    }
    headers = Map.copyOf(headers);
    checkReplyTo(replyTo);
    checkCallbackUrl(callbackUrl);
  }

  private static void checkReplyTo(String replyTo) {
    if (replyTo != null && (replyTo.isBlank() || replyTo.length() > MAX_QUEUE_NAME)) {
      throw new InvalidInputException("parameter 'reply_to' must be a RabbitMQ queue name of 1-"
          + MAX_QUEUE_NAME + " characters but was '" + replyTo + "'");
    }
  }

  private static void checkCallbackUrl(String callbackUrl) {
    if (callbackUrl == null) {
      return;
    }
    try {
      URI uri = new URI(callbackUrl);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return;
      }
    } catch (URISyntaxException e) {
      // reported below with the value
    }
    throw new InvalidInputException("parameter 'callback_url' must be an absolute http or https"
        + " URL such as http://host:8080/results but was '" + callbackUrl + "'");
  }
}
