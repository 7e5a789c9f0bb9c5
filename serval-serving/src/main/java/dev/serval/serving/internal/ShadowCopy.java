package dev.serval.serving.internal;

import dev.serval.core.QueueFullException;
import dev.serval.serving.InferenceRequest;
import dev.serval.serving.InferenceResult;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.CompletableFuture;

/**
 * Sends copies of a model's default-routed requests to its shadow version and counts how they end
 * in {@code serval_shadow_requests_total}. Answers are discarded; nothing the shadow does reaches
 * the caller.
 */
final class ShadowCopy {
  private final ServedVersion target;
  private final Counter succeeded;
  private final Counter failed;
  private final Counter dropped;

  ShadowCopy(String model, ServedVersion target, ServingMetrics metrics) {
    this.target = target;
    String version = Long.toString(target.version());
    this.succeeded = metrics.shadowRequests(model, version, "success");
    this.failed = metrics.shadowRequests(model, version, "error");
    this.dropped = metrics.shadowRequests(model, version, "dropped");
  }

  /** Queues a copy of a request the primary version has already accepted; never throws. */
  void send(InferenceRequest request, long receivedNanos) {
    CompletableFuture<InferenceResult> result;
    try {
      result = target.submit(request, receivedNanos);
    } catch (QueueFullException e) {
      dropped.increment();
      return;
    } catch (RuntimeException e) { // e.g. a signature the request does not fit: the shadow's fault
      failed.increment();
      return;
    }
    if (result == null) { // the shadow is being drained
      dropped.increment();
      return;
    }
    result.whenComplete((answer, error) -> (error == null ? succeeded : failed).increment());
  }
}
