package dev.serval.bench.internal;

import dev.serval.grpc.api.GRPCInferenceServiceGrpc;
import dev.serval.grpc.api.GRPCInferenceServiceGrpc.GRPCInferenceServiceStub;
import dev.serval.grpc.api.ModelInferRequest;
import dev.serval.grpc.api.ModelInferResponse;
import dev.serval.grpc.api.ServerLiveRequest;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * gRPC clients as an application that wants throughput writes them with grpc-java: one channel
 * (one cleartext HTTP/2 connection, Netty transport), the asynchronous stub, and callbacks run
 * directly on the channel's I/O thread ({@code directExecutor}). Each loop keeps one
 * {@code ModelInfer} call in flight and starts its next call from the previous one's callback,
 * so no thread waits per call.
 */
public final class GrpcInferClients implements InferClients {
  /** A refused or reset connection fails fast: wait this long before the next call. */
  private static final Executor UNAVAILABLE_BACKOFF =
      CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS);

  private final ManagedChannel channel;
  private final GRPCInferenceServiceStub stub;
  private final ModelInferRequest request;
  private final long deadlineNanos;

  private GrpcInferClients(ManagedChannel channel, ModelInferRequest request, Duration timeout) {
    this.channel = channel;
    this.stub = GRPCInferenceServiceGrpc.newStub(channel);
    this.request = request;
    this.deadlineNanos = timeout.toNanos();
  }

  /**
   * Opens the connection to {@code address} with one {@code ServerLive} call.
   *
   * @param timeout the deadline of that call and of each {@code ModelInfer} call
   * @param request the call every loop makes
   * @throws IllegalStateException when the server does not answer
   */
  public static GrpcInferClients connect(InetSocketAddress address, Duration timeout,
      ModelInferRequest request) {
    Checks.positive("timeout", timeout);
    ManagedChannel channel = NettyChannelBuilder
        .forAddress(address, InsecureChannelCredentials.create())
        .directExecutor()
        .build();
    try {
      GRPCInferenceServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
          .serverLive(ServerLiveRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      channel.shutdownNow();
      throw new IllegalStateException("cannot call gRPC on " + address + ": " + e.getStatus(), e);
    }
    return new GrpcInferClients(channel, request, timeout);
  }

  /** Any number of loops: each is one more stream in flight on the connection. */
  @Override
  public Workers start(List<? extends ClosedLoop> loops) {
    Workers workers = Workers.expect(loops.size());
    loops.forEach(loop -> new Calls(loop, workers).next());
    return workers;
  }

  /** Closing the channel fails the calls still open on it. */
  @Override
  public void abort() {
    close();
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }

  /**
   * One loop's calls, each started when the previous one has ended. What the loop throws ends
   * it here: grpc-java would only log an exception from a callback, and the loop would hang.
   */
  private final class Calls implements StreamObserver<ModelInferResponse> {
    private final ClosedLoop loop;
    private final Workers workers;
    private long start;

    Calls(ClosedLoop loop, Workers workers) {
      this.loop = loop;
      this.workers = workers;
    }

    void next() {
      try {
        start = System.nanoTime();
        if (!loop.sendsAt(start)) {
          workers.ended();
          return;
        }
        stub.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS).modelInfer(request, this);
      } catch (RuntimeException e) {
        workers.failed(e);
      }
    }

    @Override
    public void onNext(ModelInferResponse response) {
      // the result's content is not part of the measurement
    }

    @Override
    public void onCompleted() {
      ended(null, Runnable::run);
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      ended(new RequestFailure(status.getCode().name(), status.toString()),
          status.getCode() == Status.Code.UNAVAILABLE ? UNAVAILABLE_BACKOFF : Runnable::run);
    }

    private void ended(RequestFailure failure, Executor nextCall) {
      try {
        loop.completed(start, failure);
      } catch (RuntimeException e) {
        workers.failed(e);
        return;
      }
      nextCall.execute(this::next);
    }
  }
}
