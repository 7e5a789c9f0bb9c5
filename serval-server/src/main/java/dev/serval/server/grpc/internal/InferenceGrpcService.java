package dev.serval.server.grpc.internal;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.grpc.api.GRPCInferenceServiceGrpc;
import dev.serval.grpc.api.ModelInferRequest;
import dev.serval.grpc.api.ModelInferResponse;
import dev.serval.grpc.api.ModelMetadataRequest;
import dev.serval.grpc.api.ModelMetadataResponse;
import dev.serval.grpc.api.ModelReadyRequest;
import dev.serval.grpc.api.ModelReadyResponse;
import dev.serval.grpc.api.ModelStatisticsRequest;
import dev.serval.grpc.api.ModelStatisticsResponse;
import dev.serval.grpc.api.ModelStreamInferResponse;
import dev.serval.grpc.api.RepositoryIndexRequest;
import dev.serval.grpc.api.RepositoryIndexResponse;
import dev.serval.grpc.api.RepositoryModelLoadRequest;
import dev.serval.grpc.api.RepositoryModelLoadResponse;
import dev.serval.grpc.api.RepositoryModelUnloadRequest;
import dev.serval.grpc.api.RepositoryModelUnloadResponse;
import dev.serval.grpc.api.ServerLiveRequest;
import dev.serval.grpc.api.ServerLiveResponse;
import dev.serval.grpc.api.ServerMetadataRequest;
import dev.serval.grpc.api.ServerMetadataResponse;
import dev.serval.grpc.api.ServerReadyRequest;
import dev.serval.grpc.api.ServerReadyResponse;
import dev.serval.server.api.RequestAttributes;
import dev.serval.server.api.internal.PathVersions;
import dev.serval.server.api.internal.ProtocolApi;
import dev.serval.serving.ModelService;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code inference.GRPCInferenceService} over a {@link ModelService}. Handlers run on the event
 * loop; repository changes and the index, which block, run on blocking-task threads, and every
 * answer is sent from the call's event loop.
 */
public final class InferenceGrpcService
    extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  private final ModelService models;
  private final BooleanSupplier serverReady;
  private final ServerMetadataResponse serverMetadata;
  private final PathVersions versions;
  private final Inference inference;

  /**
   * @param serverReady whether the server takes traffic; false while it drains
   * @param serverVersion reported by ServerMetadata
   * @param versions resolves a request's version alias to a version number
   */
  public InferenceGrpcService(
      ModelService models,
      BooleanSupplier serverReady,
      String serverVersion,
      PathVersions versions) {
    this.models = models;
    this.serverReady = serverReady;
    this.versions = versions;
    this.inference = new Inference(models, versions, System::nanoTime);
    this.serverMetadata =
        ServerMetadataResponse.newBuilder()
            .setName(ProtocolApi.SERVER_NAME)
            .setVersion(serverVersion)
            .addAllExtensions(ProtocolApi.EXTENSIONS)
            .build();
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
    reply(out, ServerLiveResponse.newBuilder().setLive(true).build());
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
    reply(out, ServerReadyResponse.newBuilder().setReady(serverReady.getAsBoolean()).build());
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
    reply(out, serverMetadata);
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
    withVersion(out, request.getName(), request.getVersion(), (model, version) ->
        ModelReadyResponse.newBuilder().setReady(models.isModelReady(model, version)).build());
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
    ServiceRequestContext.current().setAttr(RequestAttributes.MODEL, request.getName());
    withVersion(out, request.getName(), request.getVersion(), (model, version) ->
        ProtoMessages.metadata(models.metadata(model, version)));
  }

  @Override
  public void modelStatistics(
      ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> out) {
    if (request.getName().isEmpty()) {
      compute(out, () -> ProtoMessages.statistics(models.statistics(null, null)));
      return;
    }
    withVersion(out, request.getName(), request.getVersion(), (model, version) ->
        ProtoMessages.statistics(models.statistics(model, version)));
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
    CompletableFuture<Void> cancelled = new CompletableFuture<>();
    ((ServerCallStreamObserver<ModelInferResponse>) out)
        .setOnCancelHandler(() -> cancelled.complete(null));
    ServiceRequestContext ctx = ServiceRequestContext.current();
    send(ctx, out, inference.infer(ctx, request, cancelled), InferResponses::write);
  }

  @Override
  public StreamObserver<ModelInferRequest> modelStreamInfer(
      StreamObserver<ModelStreamInferResponse> out) {
    ServiceRequestContext ctx = ServiceRequestContext.current();
    if (!ctx.request().headers().contains("grpc-timeout")) {
      // A stream lives as long as its client wants; a deadline, when set, still applies.
      ctx.clearRequestTimeout();
    }
    return new InferStream(ctx, inference, out);
  }

  @Override
  public void repositoryIndex(
      RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> out) {
    // The index rescans the repository folder.
    blocking(out, () -> ProtoMessages.index(models.index(request.getReady())));
  }

  @Override
  public void repositoryModelLoad(
      RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> out) {
    // Loading includes warmup, which may outlast a timeout sized for inference.
    ServiceRequestContext.current().clearRequestTimeout();
    blocking(out, () -> {
      models.load(request.getModelName());
      return RepositoryModelLoadResponse.getDefaultInstance();
    });
  }

  @Override
  public void repositoryModelUnload(
      RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> out) {
    ServiceRequestContext.current().clearRequestTimeout();
    blocking(out, () -> {
      models.unload(request.getModelName());
      return RepositoryModelUnloadResponse.getDefaultInstance();
    });
  }

  /** Answers from serving with the request's version resolved (an alias off the event loop). */
  private <T> void withVersion(
      StreamObserver<T> out, String model, String version, BiFunction<String, String, T> answer) {
    ServiceRequestContext ctx = ServiceRequestContext.current();
    CompletableFuture<String> resolved =
        versions.resolve(model, version.isEmpty() ? null : version, ctx.blockingTaskExecutor());
    send(ctx, out, resolved, v -> answer.apply(model, v));
  }

  private <T> void blocking(StreamObserver<T> out, Supplier<T> answer) {
    ServiceRequestContext ctx = ServiceRequestContext.current();
    send(ctx, out, CompletableFuture.supplyAsync(answer, ctx.blockingTaskExecutor()),
        Function.identity());
  }

  /** Sends what {@code answer} returns, or the status of what it throws. */
  private static <T> void compute(StreamObserver<T> out, Supplier<T> answer) {
    T response;
    try {
      response = answer.get();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    reply(out, response);
  }

  private static <T> void reply(StreamObserver<T> out, T response) {
    out.onNext(response);
    out.onCompleted();
  }

  /** Encodes and sends the outcome of {@code work} on the call's event loop. */
  private static <R, T> void send(
      ServiceRequestContext ctx,
      StreamObserver<T> out,
      CompletableFuture<R> work,
      Function<R, T> encode) {
    work.whenCompleteAsync(
        (result, failure) -> {
          if (failure != null) {
            out.onError(GrpcErrors.toStatus(failure));
          } else {
            compute(out, () -> encode.apply(result));
          }
        },
        ctx.eventLoop());
  }
}
