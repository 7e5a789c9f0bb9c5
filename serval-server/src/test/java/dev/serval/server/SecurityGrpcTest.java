package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.serval.grpc.api.GRPCInferenceServiceGrpc;
import dev.serval.grpc.api.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.serval.grpc.api.InferTensorContents;
import dev.serval.grpc.api.ModelInferRequest;
import dev.serval.grpc.api.ModelInferRequest.InferInputTensor;
import dev.serval.grpc.api.ModelMetadataRequest;
import dev.serval.grpc.api.RepositoryIndexRequest;
import dev.serval.grpc.api.RepositoryModelLoadRequest;
import dev.serval.grpc.api.ServerLiveRequest;
import dev.serval.grpc.api.ServerReadyRequest;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.security.AuditEntry;
import dev.serval.security.RateLimit;
import dev.serval.security.Role;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same access control over gRPC, called with grpc-java's own stubs and metadata. */
class SecurityGrpcTest {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> API_KEY =
      Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> RETRY_AFTER =
      Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir static Path dir;
  private static SecuredServer secured;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws IOException {
    Path repository = dir.resolve("repository");
    TestServer.writeModel(repository, "mlp", 1, SampleModels.mlp(8, new int[] {16}, 3, 1));
    TestServer.writeModel(repository, "other", 1, SampleModels.mlp(8, new int[] {16}, 3, 2));
    secured = SecuredServer.start(dir, repository, true, s -> { }, b -> { });
    channel = Grpc.newChannelBuilderForAddress(
        "127.0.0.1", secured.server.server.port(), InsecureChannelCredentials.create()).build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    secured.close();
  }

  @Test
  void refusesACallWithoutAKeyAsUnauthenticated() {
    StatusRuntimeException refused = failure(stub(null), infer("mlp"));

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(refused.getStatus().getDescription()).contains("requires an API key");
  }

  @Test
  void keepsLivenessAndReadinessOpen() {
    assertThat(stub(null).serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(stub(null).serverReady(ServerReadyRequest.getDefaultInstance()).getReady())
        .isTrue();
  }

  @Test
  void aKeyInEitherMetadataEntryInfers() {
    String key = secured.key("grpc-app", Role.INFERENCE);

    assertThat(stub(key).modelInfer(infer("mlp")).getOutputsCount()).isPositive();
    Metadata metadata = new Metadata();
    metadata.put(API_KEY, key);
    assertThat(GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
        .modelInfer(infer("mlp")).getOutputsCount()).isPositive();
  }

  @Test
  void enforcesTheModelScopeNamedInTheMessage() {
    String scoped = secured.key("grpc-scoped", Role.INFERENCE, "mlp");

    assertThat(stub(scoped).modelMetadata(ModelMetadataRequest.newBuilder().setName("mlp")
        .build()).getName()).isEqualTo("mlp");
    StatusRuntimeException other = failure(stub(scoped), infer("other"));
    assertThat(other.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(other.getStatus().getDescription()).contains("'other'");
    StatusRuntimeException index = catchThrowableOfType(
        () -> stub(scoped).repositoryIndex(RepositoryIndexRequest.getDefaultInstance()),
        StatusRuntimeException.class);
    assertThat(index.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void anInferenceKeyMayNotLoadModelsAndTheRefusalIsAudited() {
    String key = secured.key("grpc-loader", Role.INFERENCE);

    StatusRuntimeException refused = catchThrowableOfType(
        () -> stub(key).repositoryModelLoad(
            RepositoryModelLoadRequest.newBuilder().setModelName("mlp").build()),
        StatusRuntimeException.class);

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> !secured.audited("repository.load").isEmpty());
    AuditEntry entry = secured.audited("repository.load").get(0);
    assertThat(entry.event().actor().name()).isEqualTo("grpc-loader");
    assertThat(entry.event().model()).isEqualTo("mlp");
    assertThat(entry.event().outcome()).isEqualTo(403);
  }

  @Test
  void overTheRateLimitIsResourceExhaustedWithRetryAfter() {
    String key = secured.key("grpc-throttled", Role.INFERENCE, List.of(),
        Optional.of(new RateLimit(1.0 / 60, 1)));
    stub(key).modelInfer(infer("mlp"));

    StatusRuntimeException refused = failure(stub(key), infer("mlp"));

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(Long.parseLong(refused.getTrailers().get(RETRY_AFTER))).isBetween(1L, 60L);
  }

  @Test
  void aRevokedKeyIsRefused() {
    String key = secured.key("grpc-revoked", Role.INFERENCE);
    stub(key).modelInfer(infer("mlp"));

    secured.keys.revoke(key.substring(3, key.indexOf('_', 3)));

    assertThat(failure(stub(key), infer("mlp")).getStatus().getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  private static GRPCInferenceServiceBlockingStub stub(String key) {
    GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    if (key == null) {
      return stub;
    }
    Metadata metadata = new Metadata();
    metadata.put(AUTHORIZATION, "Bearer " + key);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  private static StatusRuntimeException failure(
      GRPCInferenceServiceBlockingStub stub, ModelInferRequest request) {
    return catchThrowableOfType(() -> stub.modelInfer(request), StatusRuntimeException.class);
  }

  private static ModelInferRequest infer(String model) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (int i = 0; i < 8; i++) {
      contents.addFp32Contents(i);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .addInputs(InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
            .addShape(1).addShape(8).setContents(contents))
        .build();
  }
}
