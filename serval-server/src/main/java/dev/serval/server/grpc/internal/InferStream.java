package dev.serval.server.grpc.internal;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.grpc.api.ModelInferRequest;
import dev.serval.grpc.api.ModelInferResponse;
import dev.serval.grpc.api.ModelStreamInferResponse;
import dev.serval.serving.InferenceResult;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code ModelStreamInfer} call: each request is answered on the stream as soon as it
 * completes, with its id; a failed request is answered with {@code error_message} and the stream
 * goes on. The stream ends once the client has finished sending and every request is answered.
 *
 * <p>All state changes and all writes run on the call's event loop, which serializes them.
 */
final class InferStream implements StreamObserver<ModelInferRequest> {
  private final ServiceRequestContext ctx;
  private final Inference inference;
  private final StreamObserver<ModelStreamInferResponse> responses;
  private final CompletableFuture<Void> cancelled = new CompletableFuture<>();
  private int pending;
  private boolean clientDone;
  private boolean closed;

  InferStream(
      ServiceRequestContext ctx,
      Inference inference,
      StreamObserver<ModelStreamInferResponse> responses) {
    this.ctx = ctx;
    this.inference = inference;
    this.responses = responses;
  }

  @Override
  public void onNext(ModelInferRequest request) {
    onEventLoop(() -> {
      pending++;
      inference
          .infer(ctx, request, cancelled)
          .whenCompleteAsync((result, failure) -> answer(request, result, failure), ctx.eventLoop());
    });
  }

  @Override
  public void onError(Throwable t) {
    // The client cancelled or the connection broke: nobody will read the answers.
    onEventLoop(() -> {
      closed = true;
      cancelled.complete(null);
    });
  }

  @Override
  public void onCompleted() {
    onEventLoop(() -> {
      clientDone = true;
      closeWhenAnswered();
    });
  }

  private void answer(ModelInferRequest request, InferenceResult result, Throwable failure) {
    pending--;
    if (closed) {
      return;
    }
    responses.onNext(response(request, result, failure));
    closeWhenAnswered();
  }

  private static ModelStreamInferResponse response(
      ModelInferRequest request, InferenceResult result, Throwable failure) {
    if (failure == null) {
      try {
        return ModelStreamInferResponse.newBuilder()
            .setInferResponse(InferResponses.write(result))
            .build();
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    return ModelStreamInferResponse.newBuilder()
        .setErrorMessage(GrpcErrors.message(failure))
        .setInferResponse(
            ModelInferResponse.newBuilder()
                .setModelName(request.getModelName())
                .setModelVersion(request.getModelVersion())
                .setId(request.getId()))
        .build();
  }

  private void closeWhenAnswered() {
    if (clientDone && pending == 0 && !closed) {
      closed = true;
      responses.onCompleted();
    }
  }

  private void onEventLoop(Runnable action) {
    if (ctx.eventLoop().inEventLoop()) {
      action.run();
    } else {
      ctx.eventLoop().execute(action);
    }
  }
}
