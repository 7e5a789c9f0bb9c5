package dev.serval.bench;

/**
 * Latency of one management API read, measured request after request on one keep-alive
 * connection.
 *
 * @param endpoint what was read, e.g. {@code GET version (random)}
 * @param example one of the paths requested
 * @param latency successful (200) requests only
 * @param errors requests that failed or did not answer 200
 * @param firstError the first failure's description, or {@code null}
 */
public record EndpointResult(String endpoint, String example, LatencySummary latency,
    long errors, String firstError) {}
