package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.serval.grpc.api.GRPCInferenceServiceGrpc;
import dev.serval.grpc.api.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.serval.grpc.api.InferTensorContents;
import dev.serval.grpc.api.ModelInferRequest;
import dev.serval.grpc.api.ModelInferRequest.InferInputTensor;
import dev.serval.grpc.api.ModelInferResponse;
import dev.serval.grpc.api.ModelReadyRequest;
import dev.serval.grpc.api.RepositoryModelLoadRequest;
import dev.serval.grpc.api.ServerLiveRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** grpc-java's generated stubs talk to the gateway as to a replica. */
class GatewayGrpcTest {
  private static final Metadata.Key<String> SERVED_BY =
      Metadata.Key.of("x-serval-served-by", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> UPSTREAM =
      Metadata.Key.of("x-serval-upstream", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path dir;
  private Replicas replicas;
  private ManagedChannel channel;
  private GRPCInferenceServiceBlockingStub blocking;
  private final AtomicReference<Metadata> headers = new AtomicReference<>();

  @BeforeEach
  void start() {
    replicas = new Replicas(dir);
    replicas.start("other");
    replicas.start("m", "fallback");
    replicas.startGateway(g -> g.backup("gone", "fallback"));
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", replicas.gateway.port(),
        InsecureChannelCredentials.create()).build();
    blocking = GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withInterceptors(
            MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()));
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    replicas.close();
  }

  @Test
  void routesModelInferByTheModelInTheMessage() {
    ModelInferResponse response = blocking.modelInfer(request("m"));

    assertThat(response.getModelName()).isEqualTo("m");
    assertThat(response.getOutputsCount()).isPositive();
    assertThat(headers.get().get(UPSTREAM)).isEqualTo(replicas.address(1).toString());
    assertThat(blocking.modelReady(ModelReadyRequest.newBuilder().setName("m").build())
        .getReady()).isTrue();
    assertThat(blocking.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
  }

  @Test
  void failsOverToTheBackupModel() {
    ModelInferResponse response = blocking.modelInfer(request("gone"));

    assertThat(response.getModelName()).isEqualTo("fallback");
    assertThat(headers.get().get(SERVED_BY)).isEqualTo("fallback");
  }

  @Test
  void answersNotFoundForAnUnknownModelAndUnimplementedForModelLoading() {
    StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class,
        () -> blocking.modelInfer(request("nope")));
    StatusRuntimeException load = catchThrowableOfType(StatusRuntimeException.class,
        () -> blocking.repositoryModelLoad(
            RepositoryModelLoadRequest.newBuilder().setModelName("m").build()));

    assertThat(unknown.getStatus().getCode()).as(unknown.getStatus().toString()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(unknown.getStatus().getDescription()).contains("'nope'");
    assertThat(load.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  private static ModelInferRequest request(String model) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float value : new float[] {0.1f, 0.2f, 0.3f, 0.4f}) {
      contents.addFp32Contents(value);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .setModelVersion("1")
        .addInputs(InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
            .addShape(1).addShape(4).setContents(contents))
        .build();
  }
}
