package dev.serval.serving.internal;

import dev.serval.serving.ModelStatistics;
import dev.serval.serving.ModelStatistics.BatchStat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cumulative statistics of one model version with Triton's semantics: request counts and the time
 * each request spent in each phase (a request in a batch is charged the batch's compute time),
 * inferences (rows) versus executions (batches), and per batch size the compute time of executions
 * of that size. Lock-free; updated once per batch, not per request, where possible.
 */
final class VersionStats {
  private final StatCounter success = new StatCounter();
  private final StatCounter fail = new StatCounter();
  private final StatCounter queue = new StatCounter();
  private final StatCounter computeInput = new StatCounter();
  private final StatCounter computeInfer = new StatCounter();
  private final StatCounter computeOutput = new StatCounter();
  private final LongAdder inferenceCount = new LongAdder();
  private final LongAdder executionCount = new LongAdder();
  private final LongAdder executionNanos = new LongAdder();
  private final AtomicLong lastInferenceMillis = new AtomicLong();
  private final AtomicReferenceArray<BatchCounters> bySize;

  /**
   * @param maxRows the largest batch size that can occur
   */
  VersionStats(int maxRows) {
    this.bySize = new AtomicReferenceArray<>(maxRows + 1);
  }

  void recordQueued(int requests, long totalNanos) {
    queue.add(requests, totalNanos);
  }

  void recordExecution(
      int requests, int rows, long inputNanos, long inferNanos, long outputNanos, long nowMillis) {
    computeInput.add(requests, inputNanos * requests);
    computeInfer.add(requests, inferNanos * requests);
    computeOutput.add(requests, outputNanos * requests);
    inferenceCount.add(rows);
    executionCount.increment();
    executionNanos.add(inputNanos + inferNanos + outputNanos);
    lastInferenceMillis.set(nowMillis);
    countersFor(rows).add(inputNanos, inferNanos, outputNanos);
  }

  void recordSuccess(int requests, long totalNanos) {
    success.add(requests, totalNanos);
  }

  void recordFailure(int requests, long totalNanos) {
    fail.add(requests, totalNanos);
  }

  /** Average compute nanoseconds per row so far, or -1 before the first execution. */
  long nanosPerRow() {
    long rows = inferenceCount.sum();
    return rows == 0 ? -1 : executionNanos.sum() / rows;
  }

  ModelStatistics snapshot(String name, String version) {
    List<BatchStat> batches = new ArrayList<>();
    for (int size = 0; size < bySize.length(); size++) {
      BatchCounters counters = bySize.get(size);
      if (counters != null) {
        batches.add(counters.snapshot(size));
      }
    }
    return new ModelStatistics(
        name,
        version,
        lastInferenceMillis.get(),
        inferenceCount.sum(),
        executionCount.sum(),
        success.snapshot(),
        fail.snapshot(),
        queue.snapshot(),
        computeInput.snapshot(),
        computeInfer.snapshot(),
        computeOutput.snapshot(),
        batches);
  }

  private BatchCounters countersFor(int rows) {
    BatchCounters counters = bySize.get(rows);
    if (counters == null) {
      bySize.compareAndSet(rows, null, new BatchCounters());
      counters = bySize.get(rows);
    }
    return counters;
  }

  /** Executions of one batch size. */
  private static final class BatchCounters {
    private final StatCounter input = new StatCounter();
    private final StatCounter infer = new StatCounter();
    private final StatCounter output = new StatCounter();

    void add(long inputNanos, long inferNanos, long outputNanos) {
      input.add(1, inputNanos);
      infer.add(1, inferNanos);
      output.add(1, outputNanos);
    }

    BatchStat snapshot(int size) {
      return new BatchStat(size, input.snapshot(), infer.snapshot(), output.snapshot());
    }
  }
}
