package dev.serval.runtime.onnx;

import static dev.serval.runtime.onnx.TestTensors.dims;
import static dev.serval.runtime.onnx.TestTensors.floats;
import static dev.serval.runtime.onnx.TestTensors.fp32;
import static dev.serval.runtime.onnx.TestTensors.writeModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelLoadException;
import dev.serval.core.ModelNotReadyException;
import dev.serval.core.Shape;
import dev.serval.core.Signature;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.ModelBackend;
import dev.serval.core.runtime.RuntimeOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxBackendTest {
  private static final OnnxBackend BACKEND = new OnnxBackend();

  @TempDir Path dir;

  @Test
  void describesItselfAsTheOnnxRuntimePlatform() {
    assertThat(BACKEND.platform()).isEqualTo("onnxruntime_onnx");
    assertThat(BACKEND.artifactFileName()).isEqualTo("model.onnx");
    assertThat(BACKEND.runtimeVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(ServiceLoader.load(ModelBackend.class))
        .hasAtLeastOneElementOfType(OnnxBackend.class);
  }

  @Test
  void readsSignatureWithNamesTypesAndDynamicDimensions() {
    try (LoadedModel model = load(SampleModels.mlp(64, new int[] {32}, 10, 1))) {
      assertThat(model.signature()).isEqualTo(new Signature(
          List.of(new TensorSpec("input", DataType.FP32, Shape.ofSignature(-1, 64))),
          List.of(new TensorSpec("logits", DataType.FP32, Shape.ofSignature(-1, 10)),
              new TensorSpec("probabilities", DataType.FP32, Shape.ofSignature(-1, 10)))));
      assertThat(model.signature().isBatchable()).isTrue();
    }
    try (LoadedModel model = load(SampleModels.add(DataType.UINT64, -1, 3, -1))) {
      assertThat(model.signature().inputs()).containsExactly(
          new TensorSpec("a", DataType.UINT64, Shape.ofSignature(-1, 3, -1)),
          new TensorSpec("b", DataType.UINT64, Shape.ofSignature(-1, 3, -1)));
      assertThat(model.signature().outputs()).containsExactly(
          new TensorSpec("sum", DataType.UINT64, Shape.ofSignature(-1, 3, -1)));
    }
  }

  @Test
  void reportsFixedFirstDimensionAsNotBatchable() {
    try (LoadedModel model = load(SampleModels.identity(DataType.FP32, 1, 4))) {
      assertThat(model.signature().inputs().get(0).shape()).isEqualTo(Shape.ofSignature(1, 4));
      assertThat(model.signature().isBatchable()).isFalse();

      Tensor y = model.run(List.of(fp32("x", dims(1, 4), 1, 2, 3, 4)), Set.of()).get(0);

      assertThat(floats(y)).containsExactly(1, 2, 3, 4);
    }
  }

  @Test
  void rejectsMissingEmptyAndNonModelFilesNamingTheFile() throws Exception {
    Path missing = dir.resolve("absent/model.onnx");
    Path empty = Files.createFile(dir.resolve("empty.onnx"));
    Path random = dir.resolve("random.onnx");
    byte[] noise = new byte[4096];
    new SplittableRandom(3).nextBytes(noise);
    Files.write(random, noise);
    Path text = Files.writeString(dir.resolve("text.onnx"), "definitely not a model\n");

    for (Path bad : List.of(missing, empty, random, text, dir)) {
      assertThatThrownBy(() -> BACKEND.load(bad, RuntimeOptions.defaults()))
          .isInstanceOf(ModelLoadException.class)
          .hasMessageContaining(bad.toString())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\tat ", "Exception"));
    }
  }

  @Test
  void rejectsATruncatedModel() throws Exception {
    byte[] model = SampleModels.mlp(8, new int[] {8}, 2, 1);
    Path file = dir.resolve("model.onnx");
    Files.write(file, Arrays.copyOf(model, model.length / 2));

    assertThatThrownBy(() -> BACKEND.load(file, RuntimeOptions.defaults()))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void rejectsUnsupportedElementTypesNamingTensorAndType() {
    byte[] bfloat16 =
        withElementType(SampleModels.identity(DataType.FP32, -1), TensorProto.DataType.BFLOAT16);

    assertThatThrownBy(() -> load(bfloat16))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("input 'x'")
        .hasMessageContaining("bfloat16");
  }

  @Test
  void rejectsOutputsThatAreNotTensors() {
    GraphProto graph = GraphProto.newBuilder()
        .setName("sequence")
        .addInput(GraphProtos.tensorValue("x", TensorProto.DataType.FLOAT, -1))
        .addNode(GraphProtos.node("SequenceConstruct", List.of("x"), List.of("seq")))
        .addOutput(ValueInfoProto.newBuilder().setName("seq").setType(TypeProto.newBuilder()
            .setSequenceType(TypeProto.Sequence.newBuilder().setElemType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder()
                    .setElemType(TensorProto.DataType.FLOAT.getNumber()))))))
        .build();

    assertThatThrownBy(() -> load(GraphProtos.model(graph).toByteArray()))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("output 'seq' is a sequence");
  }

  @Test
  void rejectsInputsThatDoNotMatchTheSignature() {
    try (LoadedModel model = load(SampleModels.identity(DataType.FP32, -1, 4))) {
      Tensor wrongShape = fp32("x", dims(2, 3), new float[6]);
      Tensor wrongRank = fp32("x", dims(4), new float[4]);
      Tensor wrongType = Tensor.ofStrings("x", Shape.of(1, 4), new byte[4][0]);
      Tensor unknown = fp32("z", dims(1, 4), new float[4]);
      Tensor x = fp32("x", dims(1, 4), new float[4]);

      assertRejected(model, List.of(wrongShape), Set.of(), "has shape [2, 3]");
      assertRejected(model, List.of(wrongRank), Set.of(), "accepts [-1, 4]");
      assertRejected(model, List.of(wrongType), Set.of(), "must be FP32 but is BYTES");
      assertRejected(model, List.of(unknown), Set.of(), "has no input 'z'");
      assertRejected(model, List.of(), Set.of(), "input 'x'", "is missing");
      assertRejected(model, List.of(x, x), Set.of(), "given twice");
      assertRejected(model, List.of(x), Set.of("nope"), "has no output 'nope'");
    }
  }

  @Test
  void reportsInputsTheRuntimeRejectsAsInvalidInputWithoutTheFilePath() {
    try (LoadedModel model = load(SampleModels.add(DataType.FP32, -1, -1))) {
      Tensor a = fp32("a", dims(2, 3), new float[6]);
      Tensor b = fp32("b", dims(3, 2), new float[6]);

      assertThatThrownBy(() -> model.run(List.of(a, b), Set.of()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("cannot compute these inputs: ")
          .hasMessageNotContaining(dir.toString());
    }
  }

  @Test
  void feedsUnsignedInputsToAModelWithExternalWeights() throws Exception {
    Files.write(dir.resolve("weights.bin"), new byte[] {0, 0, 0, 0x3F}); // 0.5f, little-endian
    TensorProto weight = TensorProto.newBuilder()
        .setName("w")
        .setDataType(TensorProto.DataType.FLOAT.getNumber())
        .addDims(1)
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(
            StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
        .build();
    GraphProto graph = GraphProto.newBuilder()
        .setName("external")
        .addInput(GraphProtos.tensorValue("a", TensorProto.DataType.UINT32, -1))
        .addInitializer(weight)
        .addNode(GraphProtos.node("Cast", List.of("a"), List.of("float_a"),
            GraphProtos.intAttribute("to", TensorProto.DataType.FLOAT.getNumber())))
        .addNode(GraphProtos.node("Add", List.of("float_a", "w"), List.of("out")))
        .addOutput(GraphProtos.tensorValue("out", TensorProto.DataType.FLOAT, -1))
        .build();
    ByteBuffer a =
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(-1).flip();

    try (LoadedModel model = load(GraphProtos.model(graph).toByteArray())) {
      Tensor out = model.run(List.of(Tensor.of("a", DataType.UINT32, Shape.of(2), a)), Set.of())
          .get(0);

      assertThat(model.signature().inputs().get(0).datatype()).isEqualTo(DataType.UINT32);
      assertThat(floats(out)).containsExactly(1.5f, 4294967295f + 0.5f);
    }
  }

  @Test
  void refusesToRunOnceClosed() {
    LoadedModel model = load(SampleModels.identity(DataType.FP32, -1));
    model.close();
    model.close();

    assertThatThrownBy(() -> model.run(List.of(fp32("x", dims(1), 1)), Set.of()))
        .isInstanceOf(ModelNotReadyException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void runsConcurrentCallsOnOneModelWithoutMixingTheirInputs() throws Exception {
    try (LoadedModel model = load(SampleModels.identity(DataType.FP32, -1, 16))) {
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 4; t++) {
        int id = t;
        threads.add(new Thread(() -> {
          try {
            for (int call = 0; call < 200; call++) {
              int rows = 1 + (id + call) % 7;
              float[] values = new float[rows * 16];
              Arrays.fill(values, id * 1000 + call);
              Tensor y = model.run(List.of(fp32("x", dims(rows, 16), values)), Set.of()).get(0);
              assertThat(floats(y)).containsExactly(values);
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread thread : threads) {
        thread.join();
      }
      assertThat(failures).isEmpty();
    }
  }

  private LoadedModel load(byte[] model) {
    return BACKEND.load(writeModel(dir, model), RuntimeOptions.defaults());
  }

  private static void assertRejected(
      LoadedModel model, List<Tensor> inputs, Set<String> outputs, String... fragments) {
    assertThatThrownBy(() -> model.run(inputs, outputs))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContainingAll(fragments);
  }

  private static byte[] withElementType(byte[] model, TensorProto.DataType type) {
    try {
      ModelProto.Builder proto = ModelProto.parseFrom(model).toBuilder();
      proto.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
          .setElemType(type.getNumber());
      proto.getGraphBuilder().getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
          .setElemType(type.getNumber());
      return proto.build().toByteArray();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
