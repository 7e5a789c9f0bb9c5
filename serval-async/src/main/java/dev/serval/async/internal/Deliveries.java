package dev.serval.async.internal;

import dev.serval.async.DeliveryState;
import dev.serval.async.ReplyPublisher;
import dev.serval.async.Response;
import dev.serval.core.Causes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Pushes a finished request's answer to its callback URL (an HTTP POST) and its reply queue,
 * each retried with backoff; every attempt's outcome is recorded so that a node taking over a
 * delivery continues the count.
 */
public final class Deliveries {
  private final AsyncStore store;
  private final HttpClient http;
  private final ReplyPublisher replies;
  private final Executor executor;
  private final Retrying retrying;
  private final Duration timeout;

  /** @param replies null without a broker */
  public Deliveries(AsyncStore store, HttpClient http, ReplyPublisher replies, Executor executor,
      Retrying retrying, Duration timeout) {
    this.store = store;
    this.http = http;
    this.replies = replies;
    this.executor = executor;
    this.retrying = retrying;
    this.timeout = timeout;
  }

  /** @param headers the request id and outcome, sent along with the answer */
  public CompletableFuture<Void> deliver(StoredRequest r, Response answer,
      Map<String, String> headers) {
    CompletableFuture<Void> callback = r.callbackState() == DeliveryState.PENDING
        ? retrying.run(r.callbackAttempts() + 1, n -> post(r.callbackUrl(), answer, headers),
            (n, error, last) -> store.recordCallback(r.id(), state(error, last), n, error))
        : CompletableFuture.completedFuture(null);
    CompletableFuture<Void> reply = r.replyState() == DeliveryState.PENDING
        ? retrying.run(1, n -> publish(r, answer, headers),
            (n, error, last) -> store.recordReply(r.id(), state(error, last), error))
        : CompletableFuture.completedFuture(null);
    return CompletableFuture.allOf(callback, reply);
  }

  private static DeliveryState state(String error, boolean last) {
    if (error == null) {
      return DeliveryState.DELIVERED;
    }
    return last ? DeliveryState.FAILED : DeliveryState.PENDING;
  }

  private CompletableFuture<String> post(String url, Response answer,
      Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(timeout)
        .header("Content-Type", answer.contentType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(answer.body()));
    answer.headers().forEach(request::header);
    headers.forEach(request::header);
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
        .handleAsync((response, failure) -> {
          if (failure != null) {
            return "POST " + url + " failed: " + Causes.rootMessage(failure);
          }
          return response.statusCode() / 100 == 2 ? null
              : "POST " + url + " answered HTTP " + response.statusCode();
        }, executor);
  }

  private CompletableFuture<String> publish(StoredRequest r, Response answer,
      Map<String, String> headers) {
    if (replies == null) {
      return CompletableFuture.completedFuture(
          "this server has no broker; start it with --broker to publish to reply queues");
    }
    return CompletableFuture.supplyAsync(() -> {
      replies.publish(r.replyTo(), r.id(), answer, headers);
      return null;
    }, executor);
  }
}
