package dev.serval.compress;

/**
 * A model's measured speed at one batch size.
 *
 * @param batch rows per run
 * @param medianMillis median time of one run
 * @param rowsPerSecond rows over the total measured time
 * @param runs how many runs were measured
 */
public record Throughput(int batch, double medianMillis, double rowsPerSecond, int runs) {}
