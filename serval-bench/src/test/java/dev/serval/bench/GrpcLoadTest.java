package dev.serval.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.TensorSpec;
import dev.serval.grpc.api.GRPCInferenceServiceGrpc;
import dev.serval.grpc.api.ModelInferRequest;
import dev.serval.grpc.api.ModelInferResponse;
import dev.serval.grpc.api.ServerLiveRequest;
import dev.serval.grpc.api.ServerLiveResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the gRPC load phase against a throwaway Armeria gRPC service on the loopback address. */
class GrpcLoadTest {
  private static final List<TensorSpec> INPUTS =
      List.of(new TensorSpec("input", DataType.FP32, Shape.ofSignature(-1, 4)));

  private final Set<ModelInferRequest> requests = ConcurrentHashMap.newKeySet();
  private final AtomicInteger mostConnections = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private volatile Status answer = Status.OK;
  private volatile long answerDelayMillis;
  private Server server;

  private final class Service extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    @Override
    public void serverLive(ServerLiveRequest request,
        StreamObserver<ServerLiveResponse> response) {
      response.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
      response.onCompleted();
    }

    @Override
    public void modelInfer(ModelInferRequest request,
        StreamObserver<ModelInferResponse> response) {
      requests.add(request);
      mostConnections.accumulateAndGet(server.numConnections(), Math::max);
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      ServiceRequestContext.current().eventLoop().schedule(
          () -> answer(response), answerDelayMillis, TimeUnit.MILLISECONDS);
    }

    private void answer(StreamObserver<ModelInferResponse> response) {
      inFlight.decrementAndGet();
      if (answer.isOk()) {
        response.onNext(ModelInferResponse.newBuilder().setModelName("mlp").build());
        response.onCompleted();
      } else {
        response.onError(answer.asRuntimeException());
      }
    }
  }

  @BeforeEach
  void startServer() {
    server = Server.builder()
        .http(0)
        .service(GrpcService.builder().addService(new Service()).build())
        .build();
    server.start().join();
  }

  @AfterEach
  void stopServer() {
    server.stop().join();
  }

  private LoadGenerator.Builder generator() {
    return LoadGenerator.builder(URI.create("http://127.0.0.1:" + server.activeLocalPort()), "mlp")
        .encoding(Encoding.GRPC)
        .inputs(INPUTS)
        .concurrency(4)
        .warmup(Duration.ofMillis(50))
        .duration(Duration.ofMillis(300));
  }

  @Test
  void streamsOneRowModelInferCallsWithRawContentsOverOneConnection() {
    LoadResult result = generator().version("production").build().run();

    assertThat(result.encoding()).isEqualTo(Encoding.GRPC);
    assertThat(result.requests()).isPositive();
    assertThat(result.errors()).isEmpty();
    assertThat(result.latency().count()).isEqualTo(result.requests());
    assertThat(requests).hasSize(1).singleElement().satisfies(request -> {
      assertThat(request.getModelName()).isEqualTo("mlp");
      assertThat(request.getModelVersion()).isEqualTo("production");
      assertThat(request.getInputs(0).getName()).isEqualTo("input");
      assertThat(request.getInputs(0).getDatatype()).isEqualTo("FP32");
      assertThat(request.getInputs(0).getShapeList()).containsExactly(1L, 4L);
      assertThat(request.getInputs(0).hasContents()).isFalse();
      assertThat(request.getRawInputContents(0).size()).isEqualTo(16);
    });
    assertThat(mostConnections.get()).isEqualTo(1);
  }

  @Test
  void keepsOneCallInFlightPerClient() {
    answerDelayMillis = 20;

    LoadResult result = generator().build().run();

    assertThat(result.errors()).isEmpty();
    assertThat(mostInFlight.get()).isEqualTo(4);
    assertThat(mostConnections.get()).isEqualTo(1);
  }

  @Test
  void countsFailedCallsByTheirGrpcCode() {
    answer = Status.RESOURCE_EXHAUSTED.withDescription("queue full");

    LoadResult result = generator().build().run();

    assertThat(result.requests()).isZero();
    assertThat(result.errors()).containsOnlyKeys("RESOURCE_EXHAUSTED");
    assertThat(result.firstError()).contains("RESOURCE_EXHAUSTED", "queue full");
  }

  @Test
  void failsClearlyWhenNothingListens() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    LoadGenerator generator = LoadGenerator.builder(URI.create("http://127.0.0.1:" + port), "mlp")
        .encoding(Encoding.GRPC)
        .inputs(INPUTS)
        .timeout(Duration.ofSeconds(2))
        .build();

    assertThatThrownBy(generator::run)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot call gRPC on");
  }
}
