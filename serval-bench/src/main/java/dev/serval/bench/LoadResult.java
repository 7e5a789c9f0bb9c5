package dev.serval.bench;

import java.util.Map;

/**
 * What one closed-loop load phase measured. Only requests that completed inside the measured
 * window count; latency covers successful (200) requests.
 *
 * @param target what was measured, e.g. {@code serval} or {@code fastapi-torch}
 * @param measuredSeconds length of the measured window
 * @param requests successful requests in the window
 * @param errors failed requests in the window by HTTP status, or {@code io-error}
 * @param firstError the first failure's description, or {@code null}
 */
public record LoadResult(
    String target,
    Encoding encoding,
    int rowsPerRequest,
    int concurrency,
    double measuredSeconds,
    long requests,
    double requestsPerSecond,
    double rowsPerSecond,
    LatencySummary latency,
    Map<String, Long> errors,
    String firstError) {

  public LoadResult {
    errors = Map.copyOf(errors);
  }

  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }
}
