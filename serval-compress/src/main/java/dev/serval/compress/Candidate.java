package dev.serval.compress;

import java.util.List;

/**
 * One compressed model the accuracy gate tried.
 *
 * @param settings the method's settings, with any excluded nodes
 * @param fileBytes the size of its .onnx file; 0 when it could not be made
 * @param throughput its measured speed; empty when it was not timed (outside the tolerance)
 * @param speedup its rows/s over the original's at the largest measured batch, the two timed in
 *     alternating rounds; NaN when it was not timed
 * @param score its metric on the evaluation rows; NaN when it could not be made
 * @param worsening how much worse that is than the original's
 * @param slower whether it is slower than the original at the largest measured batch
 * @param picked whether it became the result
 * @param verdict why it was or was not acceptable
 */
public record Candidate(String settings, long fileBytes, List<Throughput> throughput,
    double speedup, double score, double worsening, boolean slower, boolean picked,
    String verdict) {
  public Candidate {
    throughput = List.copyOf(throughput);
  }

  /** Rows per second at the largest measured batch; 0 when not measured. */
  public double rowsPerSecond() {
    return throughput.isEmpty() ? 0 : throughput.get(throughput.size() - 1).rowsPerSecond();
  }

  Candidate asPicked() {
    return new Candidate(settings, fileBytes, throughput, speedup, score, worsening, slower, true,
        verdict);
  }
}
