package dev.serval.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LowRankTest {
  @TempDir Path dir;

  @Test
  void fullRankFactorizationReproducesTheMlpWithinFloatError() {
    Path mlp = TestModels.mlp(dir);
    Path out = dir.resolve("mlp-full-rank.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(mlp, out,
        CompressionOptions.builder(Method.LOW_RANK).rank(10_000).build());

    assertThat(report.nodes()).hasSize(3).allMatch(NodeDecision::changed);
    assertThat(Outputs.relativeError(mlp, out)).isLessThan(1e-4);
  }

  @Test
  void fullRankFactorizationReproducesTheTransformerBlock() {
    Path block = TestModels.transformer(dir);
    Path out = dir.resolve("transformer-full-rank.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(block, out,
        CompressionOptions.builder(Method.LOW_RANK).rank(10_000).build());

    assertThat(report.changedNodes()).isEqualTo(6);
    assertThat(Outputs.relativeError(block, out)).isLessThan(1e-4);
  }

  @Test
  void aLowRankShrinksTheWeightsAndStaysCloseToTheOriginal() {
    Path mlp = TestModels.mlp(dir);
    Path out = dir.resolve("mlp-rank-32.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(mlp, out,
        CompressionOptions.builder(Method.LOW_RANK).rank(32).build());

    assertThat(report.nodes().get(0).detail()).contains("weights 64x128 -> 64x32 + 32x128");
    assertThat(report.result().parameters()).isLessThan(report.original().parameters() * 4 / 5);
    // random weights spread their energy evenly, so rank 32 of 64 loses a fair share of it
    assertThat(Outputs.relativeError(mlp, out)).isLessThan(0.8);
  }

  @Test
  void anEnergyTargetLeavesLayersAloneThatWouldNotShrink() {
    Path mlp = TestModels.mlp(dir);
    CompressionReport report = Outputs.COMPRESSOR.compress(mlp, dir.resolve("out.onnx"),
        CompressionOptions.builder(Method.LOW_RANK).energy(0.5).build());

    assertThat(report.nodes()).anyMatch(NodeDecision::changed);
    assertThat(report.nodes().stream().filter(n -> !n.changed()))
        .allMatch(n -> n.detail().endsWith("the factors would not be smaller than the weight"));
  }
}
