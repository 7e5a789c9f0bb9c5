package dev.serval.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightSharingTest {
  @TempDir Path dir;

  @Test
  void asManyClustersAsDistinctWeightsIsExact() throws Exception {
    // weights within ±0.35 rounded to 1/256: fewer than 256 distinct values per tensor
    Path mlp = TestModels.rounded(TestModels.mlp(dir), 1 / 256f, dir.resolve("rounded.onnx"));
    Path out = dir.resolve("shared.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(mlp, out,
        CompressionOptions.builder(Method.WEIGHT_SHARING).clusterBits(8).build());

    assertThat(report.nodes()).hasSize(3).allMatch(NodeDecision::changed);
    assertThat(report.nodes()).allMatch(n -> n.detail().endsWith("max |error| 0.00"));
    assertThat(Outputs.relativeError(mlp, out)).isLessThan(1e-6);
  }

  @Test
  void eightBitCodebooksShrinkTheFileAboutFourTimes() {
    Path mlp = TestModels.mlp(dir);
    Path out = dir.resolve("shared.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(mlp, out,
        CompressionOptions.builder(Method.WEIGHT_SHARING).clusterBits(8).build());

    assertThat(report.sizeRatio()).isBetween(3.0, 4.0);
    assertThat(Outputs.relativeError(mlp, out)).isLessThan(0.02);
  }

  @Test
  void sharesConvolutionAndAttentionWeights() {
    Path cnn = TestModels.cnn(dir);
    Path block = TestModels.transformer(dir);
    CompressionOptions options =
        CompressionOptions.builder(Method.WEIGHT_SHARING).clusterBits(6).build();

    CompressionReport cnnReport =
        Outputs.COMPRESSOR.compress(cnn, dir.resolve("cnn-shared.onnx"), options);
    CompressionReport blockReport =
        Outputs.COMPRESSOR.compress(block, dir.resolve("block-shared.onnx"), options);

    assertThat(cnnReport.changedNodes()).isEqualTo(3);
    assertThat(blockReport.changedNodes()).isEqualTo(6);
    assertThat(Outputs.relativeError(cnn, dir.resolve("cnn-shared.onnx"))).isLessThan(0.05);
    assertThat(Outputs.relativeError(block, dir.resolve("block-shared.onnx"))).isLessThan(0.05);
  }
}
