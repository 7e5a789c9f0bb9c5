package dev.serval.serving;

import java.util.List;

/**
 * Cumulative statistics of one model version, shaped like Triton's statistics extension.
 *
 * @param name model name
 * @param version version
 * @param lastInferenceMillis epoch milliseconds of the last inference, 0 if none
 * @param inferenceCount requests (rows for batched models) computed
 * @param executionCount runtime executions (batches)
 * @param success requests that succeeded, with their end-to-end time
 * @param fail requests that failed
 * @param queue time requests spent queued
 * @param computeInput time spent preparing batch inputs
 * @param computeInfer time spent in the runtime
 * @param computeOutput time spent slicing outputs
 * @param batches per batch size, the compute times of executions of that size
 */
public record ModelStatistics(
    String name,
    String version,
    long lastInferenceMillis,
    long inferenceCount,
    long executionCount,
    Stat success,
    Stat fail,
    Stat queue,
    Stat computeInput,
    Stat computeInfer,
    Stat computeOutput,
    List<BatchStat> batches) {

  public ModelStatistics {
    batches = List.copyOf(batches);
  }

  /** A count and a total duration in nanoseconds. */
  public record Stat(long count, long nanos) {}

  /** Compute times of executions of one batch size. */
  public record BatchStat(
      long batchSize, Stat computeInput, Stat computeInfer, Stat computeOutput) {}
}
