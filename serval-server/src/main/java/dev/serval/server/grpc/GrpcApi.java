package dev.serval.server.grpc;

import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.serval.server.api.internal.PathVersions;
import dev.serval.server.api.internal.VersionResolver;
import dev.serval.server.grpc.internal.InferenceGrpcService;
import dev.serval.serving.ModelService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The gRPC binding of the Open Inference Protocol, {@code inference.GRPCInferenceService}, served
 * on the same port as the REST API (gRPC needs HTTP/2, which the port speaks in cleartext).
 * Requests are validated and answered as the REST API does, and errors carry the gRPC code of
 * the same {@link dev.serval.server.api.ErrorStatus}.
 */
public final class GrpcApi {
  private final InferenceGrpcService service;
  private final List<ServerInterceptor> interceptors;

  /**
   * @param serverReady whether the server takes traffic; false while it drains
   * @param serverVersion reported by ServerMetadata
   * @param versions resolves a request's version alias to a version number
   * @param interceptors see each call first, such as access control
   */
  public GrpcApi(
      ModelService models,
      BooleanSupplier serverReady,
      String serverVersion,
      VersionResolver versions,
      List<ServerInterceptor> interceptors) {
    this.interceptors = List.copyOf(interceptors);
    this.service =
        new InferenceGrpcService(
            Objects.requireNonNull(models, "models"),
            Objects.requireNonNull(serverReady, "serverReady"),
            Objects.requireNonNull(serverVersion, "serverVersion"),
            new PathVersions(Objects.requireNonNull(versions, "versions")));
  }

  /**
   * Adds the service, and makes each connection write the answers it has ready together.
   * Armeria flushes every gRPC answer on its own: on one HTTP/2 connection carrying many streams
   * that is one write system call per answer, although a batch completes many answers at once.
   * With a flush deferred to a task queued behind the answers already waiting, one write sends
   * them all (about 1 write per 12 answers at 32 streams, a quarter less server CPU per request;
   * REST's CPU per request measured the same either way, see docs/benchmarks.md).
   */
  public void registerOn(ServerBuilder sb) {
    // Handlers only schedule work or answer from memory; what blocks hops off the event loop.
    sb.service(GrpcService.builder()
        .addService(ServerInterceptors.intercept(service, interceptors))
        .useBlockingTaskExecutor(false)
        .build());
    sb.childChannelPipelineCustomizer(pipeline -> pipeline.replace(
        FlushConsolidationHandler.class, null,
        new FlushConsolidationHandler(
            FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true)));
  }
}
