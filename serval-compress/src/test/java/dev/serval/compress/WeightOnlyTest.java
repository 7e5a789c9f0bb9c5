package dev.serval.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WeightOnlyTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"true,true", "false,false", "true,false"})
  void int8WeightsKeepMlpAndCnnOutputsWithinTwoPercent(boolean perChannel, boolean symmetric) {
    CompressionOptions options = CompressionOptions.builder(Method.WEIGHT_ONLY).bits(8)
        .perChannel(perChannel).symmetric(symmetric).build();
    for (Path model : new Path[] {TestModels.mlp(dir), TestModels.cnn(dir)}) {
      Path out = dir.resolve("int8-" + model.getFileName());
      CompressionReport report = Outputs.COMPRESSOR.compress(model, out, options);

      assertThat(report.nodes()).allMatch(NodeDecision::changed);
      assertThat(Outputs.relativeError(model, out)).as(model.toString()).isLessThan(0.02);
    }
  }

  @ParameterizedTest
  @CsvSource({"true,32", "false,32", "true,16"})
  void fourBitBlocksRunAsMatMulNBitsWithinTwentyPercent(boolean symmetric, int blockSize) {
    Path mlp = TestModels.mlp(dir);
    Path out = dir.resolve("q4.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(mlp, out,
        CompressionOptions.builder(Method.WEIGHT_ONLY).bits(4).blockSize(blockSize)
            .symmetric(symmetric).build());

    assertThat(report.nodes()).allMatch(n -> n.detail().startsWith("MatMulNBits"));
    assertThat(report.sizeRatio()).isGreaterThan(4);
    // 16 levels per block: uniform random weights lose about 8% each (rms)
    assertThat(Outputs.relativeError(mlp, out)).isLessThan(0.2);
  }

  @Test
  void fourBitQuantizesTheTransformerProjections() {
    Path block = TestModels.transformer(dir);
    Path out = dir.resolve("q4.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(block, out,
        CompressionOptions.builder(Method.WEIGHT_ONLY).bits(4).blockSize(16).build());

    assertThat(report.changedNodes()).isEqualTo(6);
    assertThat(Outputs.relativeError(block, out)).isLessThan(0.2);
  }
}
