package dev.serval.serving.internal;

import java.util.List;

/**
 * When the batcher dispatches: at most {@code maxRows} rows, immediately once a preferred size can
 * be formed, otherwise when the oldest request has waited {@code maxDelayNanos}.
 */
final class BatchPolicy {
  private final int maxRows;
  private final boolean[] preferred;
  private final long maxDelayNanos;
  private final int maxQueueSize;
  private final boolean compareRowShapes;

  /**
   * @param maxRows most rows per batch; 1 with one request per batch serves a model unbatched
   * @param preferredSizes row counts to dispatch as soon as they are reached, each <= maxRows
   * @param maxDelayNanos longest wait of a batch's first request for more requests
   * @param maxQueueSize most queued requests
   * @param compareRowShapes whether requests must have equal non-batch dimensions to share a batch
   *     (the signature has dynamic dimensions after the first)
   */
  BatchPolicy(
      int maxRows,
      List<Integer> preferredSizes,
      long maxDelayNanos,
      int maxQueueSize,
      boolean compareRowShapes) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be >= 1 but was " + maxRows);
    }
    this.maxRows = maxRows;
    this.preferred = new boolean[maxRows + 1];
    for (int size : preferredSizes) {
      if (size < 1 || size > maxRows) {
        throw new IllegalArgumentException(
            "preferred size " + size + " must be between 1 and maxRows " + maxRows);
      }
      preferred[size] = true;
    }
    this.maxDelayNanos = maxDelayNanos;
    this.maxQueueSize = maxQueueSize;
    this.compareRowShapes = compareRowShapes;
  }

  /** One request per execution, no waiting. */
  static BatchPolicy unbatched(int maxQueueSize) {
    return new BatchPolicy(1, List.of(), 0, maxQueueSize, false);
  }

  int maxRows() {
    return maxRows;
  }

  long maxDelayNanos() {
    return maxDelayNanos;
  }

  int maxQueueSize() {
    return maxQueueSize;
  }

  boolean isPreferred(int rows) {
    return preferred[rows];
  }

  boolean canShare(PendingRequest first, PendingRequest other) {
    return !compareRowShapes || first.hasSameRowShape(other);
  }

  /** The next row count worth waking the batcher for: a larger preferred size or the maximum. */
  int nextThreshold(int rows) {
    for (int size = rows + 1; size < maxRows; size++) {
      if (preferred[size]) {
        return size;
      }
    }
    return maxRows;
  }
}
