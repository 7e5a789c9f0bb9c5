package dev.serval.bench;

/**
 * Latency percentiles of one measured phase, in nanoseconds.
 *
 * @param count number of measured operations
 */
public record LatencySummary(long count, long p50Nanos, long p90Nanos, long p99Nanos,
    long maxNanos) {}
