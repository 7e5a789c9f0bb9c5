package dev.serval.compress;

import static dev.serval.runtime.onnx.GraphProtos.node;
import static dev.serval.runtime.onnx.GraphProtos.tensorValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelLoadException;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.runtime.onnx.GraphProtos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressorTest {
  private static final CompressionOptions INT8 =
      CompressionOptions.builder(Method.INT8_DYNAMIC).build();

  @TempDir Path dir;

  @Test
  void measuresBatchOneAndSixtyFourOnTheInjectedClock() {
    AtomicLong nanos = new AtomicLong();
    Compressor compressor = Compressor.builder().backend(Outputs.BACKEND)
        .benchmark(new BenchmarkSettings(List.of(1, 64), Duration.ZERO, 5, 1))
        .nanos(() -> nanos.addAndGet(1_000_000))
        .cpuinfo(cpuinfo("flags : fpu sse avx"))
        .build();

    CompressionReport report =
        compressor.compress(TestModels.mlp(dir), dir.resolve("out.onnx"), INT8);

    // every clock reading is 1 ms after the last: each round of one run takes 1 ms; at least 15
    // rounds per model are timed, interleaved with the other model's
    assertThat(report.original().throughput()).containsExactly(
        new Throughput(1, 1.0, 1000, 15), new Throughput(64, 1.0, 64 * 1000, 15));
    assertThat(report.cpu()).isEqualTo("AVX, no AVX2, no VNNI");
    assertThat(report.toText()).contains("batch 64 rows/s", "nodes changed: 3 of 3",
        "no VNNI");
    assertThat(report.toJson()).contains("\"method\" : \"int8-dynamic\"", "\"sizeRatio\"",
        "\"batch64\" : 1.0", "\"maxAbsDifference\"");
  }

  @Test
  void saysWhenInt8IsSlowerThanFloatHere() {
    Compressor compressor = Compressor.builder().backend(Outputs.BACKEND)
        .benchmark(new BenchmarkSettings(List.of(64), Duration.ZERO, 4, 1))
        .nanos(Outputs.secondModelSlower())
        .cpuinfo(cpuinfo("flags : avx"))
        .build();

    CompressionReport report =
        compressor.compress(TestModels.mlp(dir), dir.resolve("out.onnx"), INT8);

    assertThat(report.notes()).singleElement().asString()
        .contains("slower than float32 at batch 64", "without VNNI");
  }

  @Test
  void refusesAFileThatIsNotOnnxAndWritesNothing() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.onnx"), "hello, not a model");

    assertThatThrownBy(() -> Outputs.COMPRESSOR.compress(text, dir.resolve("out.onnx"), INT8))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not an ONNX model");
    assertThat(Files.readString(text)).isEqualTo("hello, not a model");
    assertThat(dir).isDirectoryNotContaining("glob:**out.onnx*");
  }

  @Test
  void refusesAnOperatorTheRuntimeDoesNotKnow() {
    GraphProto.Builder graph = GraphProto.newBuilder().setName("odd")
        .addInput(tensorValue("x", TensorProto.DataType.FLOAT, -1, 4))
        .addNode(node("NoSuchOperator", List.of("x"), List.of("y")))
        .addOutput(tensorValue("y", TensorProto.DataType.FLOAT, -1, 4));
    Path model = TestModels.write(GraphProtos.model(graph.build()).toByteArray(),
        dir.resolve("odd.onnx"));

    assertThatThrownBy(() -> Outputs.COMPRESSOR.compress(model, dir.resolve("out.onnx"), INT8))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("NoSuchOperator");
    assertThat(dir.resolve("out.onnx")).doesNotExist();
  }

  @Test
  void refusesWeightsInExternalDataFiles() throws Exception {
    ModelProto mlp = ModelProto.parseFrom(Files.readAllBytes(TestModels.mlp(dir)));
    GraphProto.Builder graph = mlp.getGraph().toBuilder();
    graph.setInitializer(0, graph.getInitializer(0).toBuilder().clearRawData()
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location")
            .setValue("weights.bin")));
    Path model = TestModels.write(mlp.toBuilder().setGraph(graph).build().toByteArray(),
        dir.resolve("external.onnx"));

    assertThatThrownBy(() -> Outputs.COMPRESSOR.compress(model, dir.resolve("out.onnx"), INT8))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("keeps initializer 'layer0.weight' in an external data file");
    assertThat(dir.resolve("out.onnx")).doesNotExist();
  }

  @Test
  void neverOverwritesTheInput() {
    Path mlp = TestModels.mlp(dir);

    assertThatThrownBy(() -> Outputs.COMPRESSOR.compress(mlp, mlp, INT8))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--output must differ from the input model");
  }

  @Test
  void aModelWithoutLayersToChangeIsRefusedWithTheReason() {
    Path logistic = TestModels.write(SampleModels.mlp(4, new int[0], 3, 1),
        dir.resolve("logistic.onnx"));

    assertThatThrownBy(() -> Outputs.COMPRESSOR.compress(logistic, dir.resolve("out.onnx"),
        CompressionOptions.builder(Method.PRUNE).structured(true).build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("prune found no node to change")
        .hasMessageContaining("its output does not reach exactly one next MatMul")
        .hasMessageContaining("no output was written");
  }

  private Path cpuinfo(String flags) {
    try {
      return Files.writeString(dir.resolve("cpuinfo"), "processor : 0\n" + flags + "\n");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
