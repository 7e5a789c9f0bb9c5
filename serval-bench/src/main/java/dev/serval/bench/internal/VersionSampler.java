package dev.serval.bench.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.bench.VersionSample;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends one unversioned 1-row JSON inference request every period until a deadline and counts
 * the answers by their {@code model_version}, which the load generator does not read: it shows
 * which versions actually served while the deployment changed.
 */
public final class VersionSampler implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final HttpRequest request;
  private final long periodNanos;
  private final long endNanos;
  private final Map<String, Long> answers = new HashMap<>();
  private long failed;
  private String firstError;

  /**
   * @param body the JSON request body
   * @param endNanos no request starts at or after this {@link System#nanoTime()}
   */
  public VersionSampler(ModelEndpoint endpoint, byte[] body, Duration period, Duration timeout,
      long endNanos) {
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout).build();
    this.request = HttpRequest.newBuilder(endpoint.inferUri())
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    this.periodNanos = Checks.positive("period", period).toNanos();
    this.endNanos = endNanos;
  }

  @Override
  public void run() {
    for (long now = System.nanoTime(); now < endNanos; now = System.nanoTime()) {
      sendOne();
      LockSupport.parkNanos(periodNanos - (System.nanoTime() - now));
    }
  }

  private void sendOne() {
    String error;
    try {
      HttpResponse<byte[]> response =
          client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      JsonNode version = response.statusCode() == 200
          ? JSON.readTree(response.body()).path("model_version") : null;
      if (version != null && version.isTextual()) {
        answers.merge(version.asText(), 1L, Long::sum);
        return;
      }
      error = "status " + response.statusCode() + (version == null ? "" : ", no model_version");
    } catch (IOException e) {
      error = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sampling versions", e);
    }
    failed++;
    if (firstError == null) {
      firstError = error;
    }
  }

  /** What was sampled; read only after {@link #run()} has returned. */
  public VersionSample result() {
    return new VersionSample(answers, failed, firstError);
  }
}
