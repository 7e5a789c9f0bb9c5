package dev.serval.compress;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.serval.compress.internal.FloatTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneTest {
  @TempDir Path dir;

  @Test
  void magnitudePruningZeroesTheSmallestHalfOfEveryWeight() throws Exception {
    Path mlp = TestModels.mlp(dir);
    Path out = dir.resolve("sparse.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(mlp, out,
        CompressionOptions.builder(Method.PRUNE).sparsity(0.5).build());

    assertThat(report.nodes()).hasSize(3).allMatch(NodeDecision::changed);
    ModelProto pruned = ModelProto.parseFrom(Files.readAllBytes(out));
    for (TensorProto tensor : pruned.getGraph().getInitializerList()) {
      if (tensor.getName().endsWith(".weight")) {
        float[] values = FloatTensor.decode(tensor).orElseThrow().values();
        long zeros = 0;
        for (float value : values) {
          zeros += value == 0 ? 1 : 0;
        }
        assertThat(zeros).as(tensor.getName()).isEqualTo(Math.round(values.length * 0.5));
      }
    }
    assertThat(Outputs.relativeError(mlp, out)).isLessThan(0.5);
  }

  @Test
  void zeroSparsityChangesNothing() {
    Path mlp = TestModels.mlp(dir);
    Path out = dir.resolve("same.onnx");
    Outputs.COMPRESSOR.compress(mlp, out,
        CompressionOptions.builder(Method.PRUNE).sparsity(0).build());

    assertThat(Outputs.relativeError(mlp, out)).isZero();
  }

  @Test
  void structuredPruningRemovesDeadNeuronsAndShrinksTheMatrices() throws Exception {
    // Gemm weights are [out, in]: axis 0 is the neuron
    Path mlp = TestModels.killOddNeurons(TestModels.mlp(dir), Map.of("layer0.weight", 0,
        "layer0.bias", 0, "layer1.weight", 0, "layer1.bias", 0), dir.resolve("dead.onnx"));
    Path out = dir.resolve("narrow.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(mlp, out,
        CompressionOptions.builder(Method.PRUNE).structured(true).sparsity(0.5).build());

    assertThat(report.nodes()).extracting(NodeDecision::detail).containsExactly(
        "kept 64 of 128 output neurons",
        "inputs shrunk to 64 of 128 with the layer before; kept 32 of 64 output neurons",
        "inputs shrunk to 32 of 64 with the layer before");
    // weights 64·128 + 128·64 + 64·10 become 64·64 + 64·32 + 32·10, biases 128 + 64 become 64 + 32
    assertThat(report.original().parameters() - report.result().parameters())
        .isEqualTo(64 * 64 + (128 * 64 - 64 * 32) + 32 * 10 + 64 + 32);
    assertThat(Outputs.relativeError(mlp, out)).isLessThan(1e-5);
  }

  @Test
  void structuredPruningRemovesDeadChannelsBetweenConvolutions() throws Exception {
    Path cnn = TestModels.killOddNeurons(TestModels.cnn(dir),
        Map.of("conv0.weight", 0, "conv0.bias", 0), dir.resolve("dead.onnx"));
    Path out = dir.resolve("narrow.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(cnn, out,
        CompressionOptions.builder(Method.PRUNE).structured(true).sparsity(0.5).build());

    assertThat(report.nodes().get(0).detail()).isEqualTo("kept 4 of 8 output channels");
    assertThat(report.nodes().get(1).detail())
        .isEqualTo("inputs shrunk to 4 of 8 with the layer before");
    assertThat(report.nodes().get(2).changed()).isFalse();
    assertThat(Outputs.relativeError(cnn, out)).isLessThan(1e-5);
  }

  @Test
  void structuredPruningSeesThroughBiasAddsOfATransformerFeedForward() throws Exception {
    // MatMul weights are [in, out]: axis 1 is the neuron
    Path block = TestModels.killOddNeurons(TestModels.transformer(dir),
        Map.of("ffn1.weight", 1, "ffn1.bias", 0), dir.resolve("dead.onnx"));
    Path out = dir.resolve("narrow.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(block, out,
        CompressionOptions.builder(Method.PRUNE).structured(true).sparsity(0.5).build());

    assertThat(report.nodes()).filteredOn(NodeDecision::changed)
        .extracting(NodeDecision::detail)
        .contains("kept 16 of 32 output neurons");
    assertThat(Outputs.relativeError(block, out)).isLessThan(1e-5);
  }
}
