package dev.serval.serving.internal;

import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.serving.InferenceRequest;
import dev.serval.serving.InferenceResult;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A validated request waiting in a version's queue.
 *
 * @param id the client's request id, or null
 * @param inputs the input tensors in signature order
 * @param outputs requested output names; empty means all
 * @param rows batch rows it contributes (its first dimension; 1 for unbatched models)
 * @param receivedNanos when it arrived, on the serving nano clock
 * @param timeoutNanos how long it may wait before compute; 0 means no limit
 * @param future completed with the result or the error
 */
record PendingRequest(
    String id,
    Tensor[] inputs,
    Set<String> outputs,
    int rows,
    long receivedNanos,
    long timeoutNanos,
    CompletableFuture<InferenceResult> future) {

  static PendingRequest of(
      InferenceRequest request, Tensor[] inputs, int rows, long receivedNanos, long timeoutNanos) {
    return new PendingRequest(
        request.id(),
        inputs,
        request.outputs(),
        rows,
        receivedNanos,
        timeoutNanos,
        new CompletableFuture<>());
  }

  boolean isExpired(long nowNanos) {
    return timeoutNanos > 0 && nowNanos - receivedNanos >= timeoutNanos;
  }

  /** Whether it no longer needs computing: timed out, or cancelled by the caller. */
  boolean isStale(long nowNanos) {
    return future.isDone() || isExpired(nowNanos);
  }

  /**
   * Whether its inputs can share a batch with {@code other}'s: every dimension but the first must
   * agree, which only dynamic non-batch dimensions can break.
   */
  boolean hasSameRowShape(PendingRequest other) {
    for (int i = 0; i < inputs.length; i++) {
      Shape mine = inputs[i].shape();
      Shape theirs = other.inputs[i].shape();
      for (int d = 1; d < mine.rank(); d++) {
        if (mine.dim(d) != theirs.dim(d)) {
          return false;
        }
      }
    }
    return true;
  }
}
