package dev.serval.bench.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The management API calls the benchmarks make: pushes a model file and waits for its validation
 * ({@code wait=true}), streaming the file from disk as {@code ./serval models push} and curl do,
 * and moves a model's traffic to one version.
 */
public final class PushClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long READY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final HttpClient client;
  private final URI base;
  private final Duration timeout;

  /** @param timeout the longest a push (validation included) or a deployment change may take */
  public PushClient(URI base, Duration timeout) {
    this.base = base;
    this.timeout = Checks.positive("timeout", timeout);
    // HTTP/1.1: a plain-text HTTP/2 upgrade would add a round trip and is not what curl does
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  /**
   * Pushes {@code file} as a new version of {@code model} and returns once it is validated.
   *
   * @return the new version's number
   * @throws IllegalStateException when the push is not answered 201 or the version is not READY
   */
  public int pushReady(String model, Path file) {
    URI uri = base.resolve("/api/v1/models/" + model + "/versions?wait=true&timeout_seconds="
        + waitSeconds());
    BodyPublisher upload;
    try {
      upload = HttpRequest.BodyPublishers.ofFile(file);
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("file must exist but was '" + file + "'", e);
    }
    String body = send(HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/octet-stream").POST(upload), 201);
    JsonNode version = readJson(body, uri);
    if (!"READY".equals(version.path("state").asText())) {
      throw new IllegalStateException("pushed version " + version.path("version").asText()
          + " is " + version.path("state").asText() + ", not READY: "
          + version.path("reason").asText());
    }
    return version.path("version").asInt();
  }

  /**
   * Waits until the server serves {@code version} of {@code model}, which it loads in the
   * background once the version is READY.
   *
   * @throws IllegalStateException when it is not served within the timeout
   */
  public void awaitServed(String model, int version) {
    URI uri = base.resolve("/v2/models/" + model + "/versions/" + version + "/ready");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isOk(uri)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(model + " version " + version + " is not served "
            + Progress.seconds(timeout) + " after it became READY");
      }
      LockSupport.parkNanos(READY_POLL_NANOS);
    }
  }

  private boolean isOk(URI uri) {
    try {
      send(HttpRequest.newBuilder(uri).GET(), 200);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /**
   * Sends all of {@code model}'s unversioned traffic to {@code version} and returns once this
   * server serves it (the new version loaded and warmed, the old one draining).
   *
   * @throws IllegalStateException when the change is not answered 200
   */
  public void deployAllTraffic(String model, int version) {
    URI uri = base.resolve("/api/v1/models/" + model + "/deployment?timeout_seconds="
        + waitSeconds());
    send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"weights\": {\"" + version + "\": 100}}")),
        200);
  }

  private long waitSeconds() {
    return Math.max(1, timeout.toSeconds());
  }

  /** Sends the request and returns the answer's body, which must come with {@code expected}. */
  private String send(HttpRequest.Builder request, int expected) {
    HttpRequest built = request.timeout(timeout.plusSeconds(10)).build();
    try {
      HttpResponse<byte[]> response = client.send(built, HttpResponse.BodyHandlers.ofByteArray());
      String body = new String(response.body(), StandardCharsets.UTF_8);
      if (response.statusCode() != expected) {
        throw new IllegalStateException(built.method() + " " + built.uri() + " answered "
            + response.statusCode() + ": " + body);
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(built.method() + " " + built.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + built.method() + " " + built.uri(),
          e);
    }
  }

  private static JsonNode readJson(String body, URI uri) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(uri + " answered malformed JSON: " + body, e);
    }
  }
}
