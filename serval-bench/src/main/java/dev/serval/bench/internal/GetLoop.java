package dev.serval.bench.internal;

import dev.serval.bench.EndpointResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Sends GET requests one after another on one keep-alive connection and records the latency of
 * each 200 answer: the latency one client sees, with no queueing behind other clients.
 */
public final class GetLoop {
  private static final long CONNECT_TIMEOUT_MILLIS = 10_000;

  private final URI base;
  private final int warmup;
  private final int measured;

  /**
   * @param warmup untimed requests before the measured ones
   * @param measured timed requests
   */
  public GetLoop(URI base, int warmup, int measured) {
    this.base = base;
    if (warmup < 0) {
      throw new IllegalArgumentException("warmup must be >= 0 but was " + warmup);
    }
    this.warmup = warmup;
    this.measured = Checks.positive("measured", measured);
  }

  /**
   * Requests {@code paths} in turn, starting over when they run out.
   *
   * @param endpoint name of what is measured, for the report
   */
  public EndpointResult run(String endpoint, List<String> paths) {
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("paths must not be empty for " + endpoint);
    }
    byte[][] requests = paths.stream().map(this::request).toArray(byte[][]::new);
    LatencyHistogram histogram = new LatencyHistogram();
    long errors = 0;
    String firstError = null;
    try (HttpConnection connection = new HttpConnection(
        new InetSocketAddress(base.getHost(), base.getPort()), CONNECT_TIMEOUT_MILLIS)) {
      for (int i = 0; i < warmup + measured; i++) {
        int index = i % requests.length;
        long start = System.nanoTime();
        String error = exchange(connection, requests[index]);
        long nanos = System.nanoTime() - start;
        if (i < warmup) {
          continue;
        }
        if (error == null) {
          histogram.record(nanos);
        } else {
          errors++;
          firstError = firstError != null ? firstError : "GET " + paths.get(index) + ": " + error;
        }
      }
    }
    return new EndpointResult(endpoint, paths.get(0), histogram.summary(), errors, firstError);
  }

  /** @return null on a 200 answer, else what went wrong */
  private static String exchange(HttpConnection connection, byte[] request) {
    try {
      int status = connection.exchange(request);
      return status == 200 ? null : "status " + status;
    } catch (IOException e) {
      return e.toString();
    }
  }

  private byte[] request(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
        + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
