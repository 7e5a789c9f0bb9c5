package dev.serval.server.grpc.internal;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.grpc.api.ModelInferRequest;
import dev.serval.server.api.RequestAttributes;
import dev.serval.server.api.internal.PathVersions;
import dev.serval.serving.InferenceResult;
import dev.serval.serving.ModelService;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Schedules one {@code ModelInferRequest} on serving: resolves its version (an alias off the
 * event loop), reads it, and caps its queue timeout at the client's deadline.
 */
final class Inference {
  private static final String GRPC_TIMEOUT = "grpc-timeout";

  private final ModelService models;
  private final PathVersions versions;
  private final LongSupplier nanoTime;

  Inference(ModelService models, PathVersions versions, LongSupplier nanoTime) {
    this.models = models;
    this.versions = versions;
    this.nanoTime = nanoTime;
  }

  /**
   * The inference; completing {@code cancelled} cancels it, so that it is not computed if it
   * still waits in the queue.
   */
  CompletableFuture<InferenceResult> infer(
      ServiceRequestContext ctx, ModelInferRequest request, CompletableFuture<?> cancelled) {
    // A stream's log names the model of its latest request.
    ctx.setAttr(RequestAttributes.MODEL, request.getModelName());
    String version = request.getModelVersion().isEmpty() ? null : request.getModelVersion();
    Duration deadline = timeLeft(ctx);
    return versions
        .resolve(request.getModelName(), version, ctx.blockingTaskExecutor())
        .thenCompose(
            resolved -> {
              CompletableFuture<InferenceResult> inference =
                  models.infer(InferRequests.read(request, resolved, deadline));
              cancelled.thenRun(() -> inference.cancel(false));
              return inference;
            });
  }

  /**
   * The time left before the client's deadline, or null when it set none. Armeria has turned the
   * {@code grpc-timeout} header into the call's timeout, counted from the call's start.
   */
  private Duration timeLeft(ServiceRequestContext ctx) {
    if (!ctx.request().headers().contains(GRPC_TIMEOUT) || ctx.requestTimeoutMillis() <= 0) {
      return null;
    }
    long elapsed = nanoTime.getAsLong() - ctx.log().partial().requestStartTimeNanos();
    long left = TimeUnit.MILLISECONDS.toNanos(ctx.requestTimeoutMillis()) - elapsed;
    // A deadline that has passed still waits the shortest time, so the queue reports it.
    return Duration.ofNanos(Math.max(1, left));
  }
}
