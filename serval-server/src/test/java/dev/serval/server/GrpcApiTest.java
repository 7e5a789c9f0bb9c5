package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import dev.serval.core.DataType;
import dev.serval.grpc.api.GRPCInferenceServiceGrpc;
import dev.serval.grpc.api.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.serval.grpc.api.GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub;
import dev.serval.grpc.api.GRPCInferenceServiceGrpc.GRPCInferenceServiceStub;
import dev.serval.grpc.api.InferParameter;
import dev.serval.grpc.api.InferTensorContents;
import dev.serval.grpc.api.ModelInferRequest;
import dev.serval.grpc.api.ModelInferRequest.InferInputTensor;
import dev.serval.grpc.api.ModelInferResponse;
import dev.serval.grpc.api.ModelMetadataRequest;
import dev.serval.grpc.api.ModelMetadataResponse;
import dev.serval.grpc.api.ModelReadyRequest;
import dev.serval.grpc.api.ModelStatisticsRequest;
import dev.serval.grpc.api.ModelStatisticsResponse;
import dev.serval.grpc.api.ModelStreamInferResponse;
import dev.serval.grpc.api.RepositoryIndexRequest;
import dev.serval.grpc.api.RepositoryIndexResponse;
import dev.serval.grpc.api.RepositoryModelLoadRequest;
import dev.serval.grpc.api.RepositoryModelUnloadRequest;
import dev.serval.grpc.api.ServerLiveRequest;
import dev.serval.grpc.api.ServerMetadataRequest;
import dev.serval.grpc.api.ServerMetadataResponse;
import dev.serval.grpc.api.ServerReadyRequest;
import dev.serval.runtime.onnx.SampleModels;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code inference.GRPCInferenceService} on the server's port, called by grpc-java's own
 * generated stubs over a plain {@link ManagedChannel}, as any stock client would.
 */
class GrpcApiTest {
  private static final Metadata.Key<String> RETRY_AFTER =
      Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
  private static final float[] MLP_ROW = {0.5f, -1, 2, 0, 0.25f, 1, -0.5f, 3};

  @TempDir static Path repository;
  private static TestServer server;
  private static ManagedChannel channel;
  private static GRPCInferenceServiceBlockingStub blocking;

  @BeforeAll
  static void start() {
    TestServer.writeModel(repository, "mlp", 1, SampleModels.mlp(8, new int[] {16}, 3, 1));
    TestServer.writeModel(repository, "mlp", 2, SampleModels.mlp(8, new int[] {16}, 3, 2));
    TestServer.writeConfig(repository, "mlp", "{\"version_policy\": {\"all\": {}}}");
    for (DataType type : DataType.values()) {
      TestServer.writeModel(repository, identity(type), 1, SampleModels.identity(type, -1, 2));
    }
    // A request waits here for 2 s for others to join its batch, and only one may wait.
    TestServer.writeModel(repository, "slow", 1, SampleModels.identity(DataType.FP32, -1, 2));
    TestServer.writeConfig(repository, "slow", slowConfig(1));
    TestServer.writeModel(repository, "patient", 1, SampleModels.identity(DataType.FP32, -1, 2));
    TestServer.writeConfig(repository, "patient", slowConfig(16));
    server = TestServer.start(repository, b -> { });
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.server.port(), InsecureChannelCredentials.create())
            .build();
    blocking = GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void answersLivenessReadinessAndServerMetadata() {
    assertThat(blocking.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(blocking.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
    ServerMetadataResponse metadata =
        blocking.serverMetadata(ServerMetadataRequest.getDefaultInstance());
    assertThat(metadata.getName()).isEqualTo("serval");
    assertThat(metadata.getExtensionsList()).contains("model_repository", "statistics");
  }

  @Test
  void answersModelReadinessAndMetadataOfTheNewestOrANamedVersion() {
    assertThat(blocking.modelReady(ModelReadyRequest.newBuilder().setName("mlp").build())
        .getReady()).isTrue();
    ModelMetadataResponse metadata =
        blocking.modelMetadata(
            ModelMetadataRequest.newBuilder().setName("mlp").setVersion("1").build());

    assertThat(metadata.getVersionsList()).containsExactly("1", "2");
    assertThat(metadata.getPlatform()).isEqualTo("onnxruntime_onnx");
    assertThat(metadata.getInputs(0).getName()).isEqualTo("input");
    assertThat(metadata.getInputs(0).getDatatype()).isEqualTo("FP32");
    assertThat(metadata.getInputs(0).getShapeList()).containsExactly(-1L, 8L);
    assertThat(metadata.getOutputsList()).extracting(o -> o.getName())
        .containsExactly("logits", "probabilities");
  }

  @Test
  void infersFp32FromTypedContentsAndAnswersRawOutputsWithTheId() {
    ModelInferRequest request =
        mlpRequest()
            .setId("abc-1")
            .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                .setName("probabilities"))
            .build();

    ModelInferResponse response = blocking.modelInfer(request);

    assertThat(response.getModelName()).isEqualTo("mlp");
    assertThat(response.getModelVersion()).isEqualTo("2");
    assertThat(response.getId()).isEqualTo("abc-1");
    assertThat(response.getOutputsList()).extracting(o -> o.getName())
        .containsExactly("probabilities");
    assertThat(response.getOutputs(0).getShapeList()).containsExactly(1L, 3L);
    float[] probabilities = floats(response.getRawOutputContents(0));
    assertThat(probabilities[0] + probabilities[1] + probabilities[2])
        .isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
  }

  @Test
  void infersFromRawInputContentsLikeFromTypedContents() {
    ByteBuffer raw = ByteBuffer.allocate(MLP_ROW.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : MLP_ROW) {
      raw.putFloat(value);
    }
    ModelInferRequest rawRequest =
        ModelInferRequest.newBuilder()
            .setModelName("mlp")
            .addInputs(input("input", "FP32", 1, 8))
            .addRawInputContents(ByteString.copyFrom(raw.flip()))
            .build();

    ModelInferResponse fromRaw = blocking.modelInfer(rawRequest);
    ModelInferResponse fromTyped = blocking.modelInfer(mlpRequest().build());

    assertThat(fromRaw.getRawOutputContentsList())
        .isEqualTo(fromTyped.getRawOutputContentsList());
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FP16", "BYTES"}, mode = EnumSource.Mode.EXCLUDE)
  void infersEveryFixedSizeDatatypeFromTypedContents(DataType type) {
    long[] values = {0, 1, 0, 1};
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    ByteBuffer expected = ByteBuffer.allocate(4 * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (long value : values) {
      addTyped(contents, expected, type, value);
    }
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName(identity(type))
            .addInputs(input("x", type.name(), 2, 2).setContents(contents))
            .build();

    ModelInferResponse response = blocking.modelInfer(request);

    assertThat(response.getOutputs(0).getDatatype()).isEqualTo(type.name());
    assertThat(response.getRawOutputContents(0).toByteArray()).isEqualTo(expected.array());
  }

  @Test
  void infersFp16FromRawInputContents() {
    ByteString halves = ByteString.copyFrom(new byte[] {0x00, 0x3e, 0x00, (byte) 0xbc});

    ModelInferResponse response =
        blocking.modelInfer(
            ModelInferRequest.newBuilder()
                .setModelName(identity(DataType.FP16))
                .addInputs(input("x", "FP16", 1, 2))
                .addRawInputContents(halves)
                .build());

    assertThat(response.getRawOutputContents(0)).isEqualTo(halves);
  }

  @Test
  void infersBytesFromTypedContentsAndAnswersThemLengthPrefixed() {
    InferTensorContents contents =
        InferTensorContents.newBuilder()
            .addBytesContents(ByteString.copyFromUtf8("héllo"))
            .addBytesContents(ByteString.EMPTY)
            .build();

    ModelInferResponse response =
        blocking.modelInfer(
            ModelInferRequest.newBuilder()
                .setModelName(identity(DataType.BYTES))
                .addInputs(input("x", "BYTES", 1, 2).setContents(contents))
                .build());

    byte[] hello = "héllo".getBytes(StandardCharsets.UTF_8);
    ByteBuffer expected =
        ByteBuffer.allocate(8 + hello.length).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(hello.length).put(hello).putInt(0);
    assertThat(response.getRawOutputContents(0).toByteArray()).isEqualTo(expected.array());
  }

  @Test
  void refusesAnUnknownModelWithNotFound() {
    StatusRuntimeException e = failure(mlpRequest().setModelName("nope").build());

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(e.getStatus().getDescription()).contains("nope");
  }

  @Test
  void refusesABadShapeOrElementCountWithInvalidArgument() {
    ModelInferRequest wrongShape =
        ModelInferRequest.newBuilder()
            .setModelName("mlp")
            .addInputs(input("input", "FP32", 1, 3)
                .setContents(InferTensorContents.newBuilder().addAllFp32Contents(
                    List.of(1f, 2f, 3f))))
            .build();
    ModelInferRequest tooFew =
        mlpRequest().setInputs(0, mlpRequest().getInputs(0).toBuilder().setContents(
            InferTensorContents.newBuilder().addFp32Contents(1f))).build();

    assertThat(failure(wrongShape).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    StatusRuntimeException count = failure(tooFew);
    assertThat(count.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(count.getStatus().getDescription()).contains("needs 8 elements");
  }

  @Test
  void refusesARequestToAFullQueueWithResourceExhaustedAndRetryAfter() {
    GRPCInferenceServiceFutureStub async = GRPCInferenceServiceGrpc.newFutureStub(channel);
    var waiting = async.modelInfer(slowRequest("slow"));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.queueDepth("slow") == 1);

    StatusRuntimeException rejected = failure(slowRequest("slow"));

    assertThat(rejected.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(rejected.getStatus().getDescription()).contains("full");
    assertThat(Long.parseLong(rejected.getTrailers().get(RETRY_AFTER))).isGreaterThanOrEqualTo(1);
    assertThat(CompletableFuture.supplyAsync(() -> get(waiting)).join().getOutputsCount())
        .isEqualTo(1);
  }

  @Test
  void aRequestPastTheClientsDeadlineIsAnsweredAtOnceAndNeverComputed() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> blocking.withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                .modelInfer(slowRequest("patient")));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    // Never computed: it leaves the queue by its batch window (2 s) at the latest, unrun.
    await().atMost(Duration.ofSeconds(5)).until(() -> server.queueDepth("patient") == 0);
    JsonNode stats = TestServer.json(server.get("/v2/models/patient/stats"));
    assertThat(stats.at("/model_stats/0/inference_stats/success/count").asLong()).isZero();
  }

  @Test
  void multiplexes200ConcurrentCallsOverOneChannel() {
    GRPCInferenceServiceFutureStub async = GRPCInferenceServiceGrpc.newFutureStub(channel);
    List<com.google.common.util.concurrent.ListenableFuture<ModelInferResponse>> calls =
        new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(async.modelInfer(mlpRequest().setId("call-" + i).build()));
    }

    for (int i = 0; i < calls.size(); i++) {
      ModelInferResponse response = get(calls.get(i));
      assertThat(response.getId()).isEqualTo("call-" + i);
      assertThat(response.getRawOutputContentsCount()).isEqualTo(2);
    }
  }

  @Test
  void answersEachStreamedRequestWithItsIdAndAnErrorWithoutEndingTheStream() {
    GRPCInferenceServiceStub async = GRPCInferenceServiceGrpc.newStub(channel);
    Map<String, ModelStreamInferResponse> answers = new ConcurrentHashMap<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<ModelInferRequest> requests =
        async.modelStreamInfer(new StreamObserver<>() {
          @Override
          public void onNext(ModelStreamInferResponse response) {
            answers.put(response.getInferResponse().getId(), response);
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });

    for (int i = 0; i < 50; i++) {
      requests.onNext(mlpRequest().setId("s-" + i).build());
    }
    requests.onNext(mlpRequest().setId("bad").setModelName("nope").build());
    requests.onNext(mlpRequest().setId("after").build());
    requests.onCompleted();
    done.orTimeout(20, TimeUnit.SECONDS).join();

    assertThat(answers).hasSize(52);
    for (int i = 0; i < 50; i++) {
      assertThat(answers.get("s-" + i).getErrorMessage()).isEmpty();
      assertThat(answers.get("s-" + i).getInferResponse().getRawOutputContentsCount())
          .isEqualTo(2);
    }
    assertThat(answers.get("bad").getErrorMessage()).contains("nope");
    assertThat(answers.get("after").getErrorMessage()).isEmpty();
  }

  @Test
  void indexesLoadsAndUnloadsModelsAndReportsStatistics() {
    blocking.modelInfer(mlpRequest().build());
    String model = identity(DataType.INT32);

    blocking.repositoryModelUnload(
        RepositoryModelUnloadRequest.newBuilder().setModelName(model).build());
    assertThat(stateOf(model)).isEqualTo("UNAVAILABLE");
    blocking.repositoryModelLoad(
        RepositoryModelLoadRequest.newBuilder().setModelName(model).build());
    assertThat(stateOf(model)).isEqualTo("READY");

    ModelStatisticsResponse stats =
        blocking.modelStatistics(ModelStatisticsRequest.newBuilder().setName("mlp").build());
    assertThat(stats.getModelStatsList()).extracting(s -> s.getVersion()).contains("2");
    assertThat(stats.getModelStats(stats.getModelStatsCount() - 1).getInferenceStats()
        .getSuccess().getCount()).isPositive();
    StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class,
        () -> blocking.repositoryModelLoad(
            RepositoryModelLoadRequest.newBuilder().setModelName("nope").build()));
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void readsRequestParametersAsRestDoes() {
    ModelInferRequest badTimeout =
        mlpRequest()
            .putParameters("timeout", InferParameter.newBuilder().setStringParam("soon").build())
            .build();

    StatusRuntimeException e = failure(badTimeout);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("timeout");
  }

  @Test
  void servesRestOnTheSamePort() {
    AggregatedHttpResponse live = server.get("/v2/health/live");
    AggregatedHttpResponse infer =
        server.post("/v2/models/mlp/infer",
            TestServer.inferRequest("input", "FP32", "[1, 8]", "[1, 2, 3, 4, 5, 6, 7, 8]"));

    assertThat(live.status()).isEqualTo(HttpStatus.OK);
    assertThat(infer.status()).isEqualTo(HttpStatus.OK);
  }

  private static String stateOf(String model) {
    RepositoryIndexResponse index =
        blocking.repositoryIndex(RepositoryIndexRequest.getDefaultInstance());
    return index.getModelsList().stream()
        .filter(entry -> entry.getName().equals(model))
        .findFirst()
        .orElseThrow()
        .getState();
  }

  private static ModelInferRequest.Builder mlpRequest() {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float value : MLP_ROW) {
      contents.addFp32Contents(value);
    }
    return ModelInferRequest.newBuilder()
        .setModelName("mlp")
        .addInputs(input("input", "FP32", 1, 8).setContents(contents));
  }

  private static ModelInferRequest slowRequest(String model) {
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .addInputs(input("x", "FP32", 1, 2).setContents(
            InferTensorContents.newBuilder().addFp32Contents(1).addFp32Contents(2)))
        .build();
  }

  private static InferInputTensor.Builder input(String name, String datatype, long... shape) {
    InferInputTensor.Builder input = InferInputTensor.newBuilder()
        .setName(name).setDatatype(datatype);
    for (long dim : shape) {
      input.addShape(dim);
    }
    return input;
  }

  private static void addTyped(
      InferTensorContents.Builder contents, ByteBuffer expected, DataType type, long value) {
    switch (type) {
      case BOOL -> {
        contents.addBoolContents(value != 0);
        expected.put((byte) value);
      }
      case INT8, INT16, INT32 -> contents.addIntContents((int) value);
      case UINT8, UINT16, UINT32 -> contents.addUintContents((int) value);
      case INT64 -> contents.addInt64Contents(value);
      case UINT64 -> contents.addUint64Contents(value);
      case FP32 -> {
        contents.addFp32Contents(value);
        expected.putFloat(value);
      }
      case FP64 -> {
        contents.addFp64Contents(value);
        expected.putDouble(value);
      }
      default -> throw new IllegalArgumentException(type.name());
    }
    switch (type.byteSize()) {
      case 1 -> {
        if (type != DataType.BOOL) {
          expected.put((byte) value);
        }
      }
      case 2 -> expected.putShort((short) value);
      case 4 -> {
        if (type != DataType.FP32) {
          expected.putInt((int) value);
        }
      }
      default -> {
        if (type != DataType.FP64) {
          expected.putLong(value);
        }
      }
    }
  }

  private static StatusRuntimeException failure(ModelInferRequest request) {
    return catchThrowableOfType(StatusRuntimeException.class, () -> blocking.modelInfer(request));
  }

  private static <T> T get(java.util.concurrent.Future<T> future) {
    try {
      return future.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static float[] floats(ByteString raw) {
    ByteBuffer buffer = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[buffer.remaining() / 4];
    buffer.asFloatBuffer().get(values);
    return values;
  }

  private static String slowConfig(int queueSize) {
    return "{\"max_batch_size\": 8, \"dynamic_batching\": "
        + "{\"max_queue_delay_microseconds\": 2000000, \"max_queue_size\": " + queueSize + "}}";
  }

  private static String identity(DataType type) {
    return "identity_" + type.name().toLowerCase(Locale.ROOT);
  }
}
