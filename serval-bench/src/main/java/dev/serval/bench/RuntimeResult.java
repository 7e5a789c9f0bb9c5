package dev.serval.bench;

/**
 * What one in-process runtime phase measured.
 *
 * @param batchSize rows per run
 * @param instances model instances run side by side, one thread each
 * @param intraOpThreads runtime threads per instance
 * @param runs runs completed inside the measured window
 * @param latency per-run latency
 */
public record RuntimeResult(
    int batchSize,
    int instances,
    int intraOpThreads,
    double measuredSeconds,
    long runs,
    double runsPerSecond,
    double rowsPerSecond,
    LatencySummary latency) {}
