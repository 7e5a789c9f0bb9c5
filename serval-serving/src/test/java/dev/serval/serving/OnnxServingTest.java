package dev.serval.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.RuntimeOptions;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.serving.ModelStatistics.BatchStat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end with the real ONNX Runtime backend and the project's sample models. A preferred batch
 * size equal to the number of requests sent, with a delay window of minutes, makes each batch
 * deterministic: it is dispatched exactly when all requests have arrived.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OnnxServingTest extends AbstractManagerTest {
  private static final String ONE_BATCH_OF =
      "{\"max_batch_size\": 64, \"dynamic_batching\": {"
          + "\"max_queue_delay_microseconds\": 600000000, \"preferred_batch_size\": [%d]}}";

  @Test
  void batchedMlpAnswersEqualThoseOfSingleRuns() throws Exception {
    byte[] mlp = SampleModels.mlp(64, new int[] {256, 256}, 10, 7);
    SampleModels.write(mlp, root.resolve("mlp/1/model.onnx"));
    Repos.config(root, "mlp", String.format(ONE_BATCH_OF, 16));
    start(new OnnxBackend());
    Random random = new Random(1);
    List<Tensor> inputs = new ArrayList<>();
    List<CompletableFuture<InferenceResult>> results = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      float[] values = new float[64];
      for (int k = 0; k < values.length; k++) {
        values[k] = (float) random.nextGaussian();
      }
      Tensor input = Requests.fp32("input", Shape.of(1, 64), values);
      inputs.add(input);
      results.add(manager.infer(request("mlp", input)));
    }

    try (LoadedModel reference =
        new OnnxBackend().load(root.resolve("mlp/1/model.onnx"), RuntimeOptions.defaults())) {
      for (int i = 0; i < 16; i++) {
        List<Tensor> expected = reference.run(List.of(inputs.get(i)), Set.of());
        List<Tensor> actual = results.get(i).get().outputs();
        assertThat(actual).extracting(Tensor::name).containsExactly("logits", "probabilities");
        assertClose(Requests.floats(actual.get(0)), Requests.floats(expected.get(0)));
        assertClose(Requests.floats(actual.get(1)), Requests.floats(expected.get(1)));
      }
    }
    ModelStatistics stats = manager.statistics("mlp", "1").get(0);
    assertThat(stats.batches()).extracting(BatchStat::batchSize).containsExactly(16L);
    assertThat(stats.executionCount()).isEqualTo(1);
  }

  @Test
  void everyDatatypeSurvivesBatchingUnchanged() throws Exception {
    for (DataType type : DataType.values()) {
      String model = identityModel(type);
      SampleModels.write(SampleModels.identity(type, -1, 3), root.resolve(model + "/1/model.onnx"));
      Repos.config(root, model, String.format(ONE_BATCH_OF, 3));
    }
    start(new OnnxBackend());
    Random random = new Random(2);

    for (DataType type : DataType.values()) {
      String model = identityModel(type);
      List<Tensor> inputs = new ArrayList<>();
      List<CompletableFuture<InferenceResult>> results = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Tensor input = randomTensor(type, Shape.of(1, 3), random, i);
        inputs.add(input);
        results.add(manager.infer(request(model, input)));
      }
      for (int i = 0; i < 3; i++) {
        Tensor output = results.get(i).get().outputs().get(0);
        assertThat(output.shape()).as(model).isEqualTo(Shape.of(1, 3));
        if (type == DataType.BYTES) {
          assertThat(output.strings()).as(model).isDeepEqualTo(inputs.get(i).strings());
        } else {
          assertThat(output.data()).as(model).isEqualTo(inputs.get(i).data());
        }
      }
      assertThat(manager.statistics(model, null).get(0).executionCount()).as(model).isEqualTo(1);
    }
  }

  @Test
  void aModelWithTwoInputsBatchesBothAndChecksTheirBatchSizesAgree() throws Exception {
    SampleModels.write(SampleModels.add(DataType.FP32, -1, 2), root.resolve("add/1/model.onnx"));
    Repos.config(root, "add", String.format(ONE_BATCH_OF, 4));
    start(new OnnxBackend());

    List<CompletableFuture<InferenceResult>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      results.add(
          manager.infer(
              request(
                  "add",
                  Requests.fp32("a", Shape.of(1, 2), i, i),
                  Requests.fp32("b", Shape.of(1, 2), 10, 20))));
    }

    for (int i = 0; i < 4; i++) {
      assertThat(Requests.floats(results.get(i).get().outputs().get(0)))
          .containsExactly(10 + i, 20 + i);
    }
    assertThatThrownBy(
            () ->
                manager.infer(
                    request(
                        "add",
                        Requests.fp32("a", Shape.of(1, 2), 1, 2),
                        Requests.fp32("b", Shape.of(2, 2), 1, 2, 3, 4))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("inputs must share their first (batch) dimension but 'a' has 1 and 'b' has 2");
  }

  @Test
  void aModelWithAFixedFirstDimensionIsServedOneRequestPerRun() throws Exception {
    SampleModels.write(SampleModels.identity(DataType.FP32, 1, 4), root.resolve("m/1/model.onnx"));
    start(new OnnxBackend());

    for (int i = 0; i < 3; i++) {
      Tensor input = Requests.fp32("x", Shape.of(1, 4), i, i, i, i);
      assertThat(Requests.floats(manager.infer(request("m", input)).get().outputs().get(0)))
          .containsExactly(i, i, i, i);
    }

    assertThat(manager.metadata("m", null).signature().inputs())
        .containsExactly(new TensorSpec("x", DataType.FP32, Shape.ofSignature(1, 4)));
    assertThat(manager.statistics("m", null).get(0).batches())
        .extracting(BatchStat::batchSize)
        .containsExactly(1L);
    assertThat(manager.statistics("m", null).get(0).executionCount()).isEqualTo(3);
  }

  @Test
  void reportsTheOnnxPlatformAndDynamicDimensions() {
    SampleModels.write(
        SampleModels.mlp(64, new int[] {256, 256}, 10, 7), root.resolve("mlp/1/model.onnx"));
    start(new OnnxBackend());

    ModelMetadata metadata = manager.metadata("mlp", null);

    assertThat(metadata.platform()).isEqualTo("onnxruntime_onnx");
    assertThat(metadata.signature().inputs())
        .containsExactly(new TensorSpec("input", DataType.FP32, Shape.ofSignature(-1, 64)));
  }

  @Test
  void aCorruptArtifactIsReportedAndTheOtherModelsServe() {
    Repos.write(root.resolve("bad/1/model.onnx"), "not an onnx file");
    SampleModels.write(
        SampleModels.identity(DataType.FP32, -1, 1), root.resolve("ok/1/model.onnx"));
    start(new OnnxBackend());

    assertThat(manager.index(false))
        .extracting(RepositoryEntry::name, RepositoryEntry::state)
        .containsExactly(tuple("bad", ModelState.UNAVAILABLE), tuple("ok", ModelState.READY));
    assertThat(manager.index(false).get(0).reason())
        .startsWith("cannot load ONNX model bad/1/model.onnx: ");
    assertThatThrownBy(() -> manager.infer(request("bad", Requests.fp32("x", Shape.of(1, 1), 1))))
        .hasMessageContaining("bad/1/model.onnx")
        .hasMessageNotContaining(root.toString());
    assertThat(manager.isModelReady("ok", null)).isTrue();
  }

  @Test
  void aStringTheRuntimeCannotTakeFailsOnlyItsOwnRequestNotTheOthersInItsWindow()
      throws Exception {
    SampleModels.write(
        SampleModels.identity(DataType.BYTES, -1, 2), root.resolve("text/1/model.onnx"));
    Repos.config(root, "text", String.format(ONE_BATCH_OF, 3));
    start(new OnnxBackend());
    List<Tensor> inputs = new ArrayList<>();
    List<CompletableFuture<InferenceResult>> results = new ArrayList<>();
    Tensor nul = Tensor.ofStrings("x", Shape.of(1, 2), new byte[][] {{'o', 'k'}, {'a', 0}});

    for (int i = 0; i < 3; i++) {
      inputs.add(randomTensor(DataType.BYTES, Shape.of(1, 2), new Random(i), i));
      results.add(manager.infer(request("text", inputs.get(i))));
      if (i == 0) {
        assertThatThrownBy(() -> manager.infer(request("text", nul)))
            .isInstanceOf(InvalidInputException.class)
            .hasMessage(
                "model 'text' version 1: element 1 of input 'x' contains a NUL character, which"
                    + " ONNX Runtime's Java API cannot pass to the model unchanged");
      }
    }

    for (int i = 0; i < 3; i++) {
      assertThat(results.get(i).get().outputs().get(0).strings())
          .isDeepEqualTo(inputs.get(i).strings());
    }
    ModelStatistics stats = manager.statistics("text", "1").get(0);
    assertThat(stats.batches()).extracting(BatchStat::batchSize).containsExactly(3L);
    assertThat(stats.fail().count()).isEqualTo(1);
  }

  @Test
  void anInputTheRuntimeRejectsIsBlamedOnTheModelVersionNotItsFile() {
    SampleModels.write(SampleModels.add(DataType.FP32, -1, -1), root.resolve("add/1/model.onnx"));
    start(new OnnxBackend());

    CompletableFuture<InferenceResult> result =
        manager.infer(
            request(
                "add",
                Requests.fp32("a", Shape.of(1, 3), 1, 2, 3),
                Requests.fp32("b", Shape.of(1, 2), 1, 2)));

    assertThatThrownBy(result::get)
        .cause()
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("model 'add' version 1: cannot compute these inputs: ")
        .hasMessageNotContaining(root.toString());
  }

  private static String identityModel(DataType type) {
    return "identity_" + type.name().toLowerCase(Locale.ROOT);
  }

  private static InferenceRequest request(String model, Tensor... inputs) {
    return new InferenceRequest(model, null, null, List.of(inputs), Set.of(), Map.of(), null);
  }

  private static void assertClose(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).isCloseTo(expected[i], within(1e-5f));
    }
  }

  private static Tensor randomTensor(DataType type, Shape shape, Random random, int seq) {
    int count = (int) shape.elementCount();
    if (type == DataType.BYTES) {
      byte[][] strings = new byte[count][];
      for (int i = 0; i < count; i++) {
        strings[i] =
            ("héllo-" + seq + "-" + i + "-" + random.nextInt()).getBytes(StandardCharsets.UTF_8);
      }
      return Tensor.ofStrings("x", shape, strings);
    }
    ByteBuffer data = ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      switch (type) {
        case BOOL -> data.put((byte) random.nextInt(2));
        case FP16 ->
            data.putShort((short) (random.nextInt(0x7C00) | (random.nextBoolean() ? 0x8000 : 0)));
        case FP32 -> data.putFloat(random.nextFloat() * 200 - 100);
        case FP64 -> data.putDouble(random.nextDouble() * 200 - 100);
        default -> {
          byte[] bytes = new byte[type.byteSize()];
          random.nextBytes(bytes);
          data.put(bytes);
        }
      }
    }
    data.flip();
    return Tensor.of("x", type, shape, data);
  }
}
