package dev.serval.compress;

/**
 * A model's measured speed at one batch size.
 *
 * @param batch rows per run
 * @param medianMillis median time of one run (over rounds, each the mean of its runs)
 * @param rowsPerSecond rows of one run over that median time
 * @param runs how many runs were measured
 */
public record Throughput(int batch, double medianMillis, double rowsPerSecond, int runs) {
  /** The speed of runs of {@code batch} rows whose median time is {@code medianMillis}. */
  public static Throughput of(int batch, double medianMillis, int runs) {
    return new Throughput(batch, medianMillis, batch * 1000 / medianMillis, runs);
  }
}
