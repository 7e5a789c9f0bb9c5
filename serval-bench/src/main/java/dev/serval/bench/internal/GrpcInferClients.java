package dev.serval.bench.internal;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.serval.grpc.api.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.serval.grpc.api.ModelInferRequest;
import dev.serval.grpc.api.ServerLiveRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * gRPC clients that share one cleartext HTTP/2 connection: each client's call is one stream on
 * it, the way a gRPC application with one channel loads a server.
 */
public final class GrpcInferClients implements InferClients {
  private static final long UNAVAILABLE_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final ClientFactory factory;
  private final GRPCInferenceServiceBlockingStub stub;
  private final ModelInferRequest request;
  private final int count;

  private GrpcInferClients(ClientFactory factory, GRPCInferenceServiceBlockingStub stub,
      ModelInferRequest request, int count) {
    this.factory = factory;
    this.stub = stub;
    this.request = request;
    this.count = count;
  }

  /**
   * Opens the connection to {@code address} with one {@code ServerLive} call.
   *
   * @param timeout for connecting and for each call
   * @param request the call every client makes
   * @throws IllegalStateException when the server does not answer
   */
  public static GrpcInferClients connect(InetSocketAddress address, Duration timeout, int count,
      ModelInferRequest request) {
    Checks.positive("count", count);
    ClientFactory factory = ClientFactory.builder().connectTimeout(timeout).build();
    GRPCInferenceServiceBlockingStub stub = GrpcClients
        .builder("h2c://" + address.getHostString() + ":" + address.getPort())
        .factory(factory)
        .responseTimeout(timeout)
        .build(GRPCInferenceServiceBlockingStub.class);
    try {
      stub.serverLive(ServerLiveRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      factory.close();
      throw new IllegalStateException("cannot call gRPC on " + address + ": " + e.getStatus(), e);
    }
    return new GrpcInferClients(factory, stub, request, count);
  }

  @Override
  public List<InferClient> clients() {
    return Collections.nCopies(count, this::call);
  }

  private RequestFailure call() {
    try {
      stub.modelInfer(request);
      return null;
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      if (status.getCode() == Status.Code.UNAVAILABLE) {
        // a refused or reset connection fails fast; do not spin on it
        LockSupport.parkNanos(UNAVAILABLE_BACKOFF_NANOS);
      }
      return new RequestFailure(status.getCode().name(), status.toString());
    }
  }

  /** Closing the connection fails the calls still open on it. */
  @Override
  public void abort() {
    close();
  }

  @Override
  public void close() {
    factory.close();
  }
}
