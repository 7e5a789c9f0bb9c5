package dev.serval.compress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.compress.CompressionOptions.Int8Kernels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Int8 weights with run-time activation quantization stay within 5% of the float outputs. */
class Int8DynamicTest {
  private static final double TOLERANCE = 0.05;

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"CONTRIB,true,true", "CONTRIB,false,false", "STANDARD,true,true",
      "STANDARD,false,false", "STANDARD,true,false"})
  void quantizesEveryDenseLayerOfAnMlp(Int8Kernels kernels, boolean perChannel,
      boolean symmetric) {
    Path mlp = TestModels.mlp(dir);
    Path out = dir.resolve("mlp-int8.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(mlp, out,
        CompressionOptions.builder(Method.INT8_DYNAMIC).kernels(kernels).perChannel(perChannel)
            .symmetric(symmetric).build());

    assertThat(report.nodes()).hasSize(3).allMatch(NodeDecision::changed);
    assertThat(report.result().fileBytes()).isLessThan(report.original().fileBytes() / 3);
    assertThat(Outputs.relativeError(mlp, out)).isLessThan(TOLERANCE);
  }

  @ParameterizedTest
  @CsvSource({"STANDARD,true,true", "STANDARD,false,false", "STANDARD,true,false",
      "CONTRIB,true,true", "CONTRIB,false,false", "CONTRIB,false,true"})
  void quantizesEveryLayerOfACnn(Int8Kernels kernels, boolean perChannel, boolean symmetric) {
    Path cnn = TestModels.cnn(dir);
    Path out = dir.resolve("cnn-int8.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(cnn, out,
        CompressionOptions.builder(Method.INT8_DYNAMIC).kernels(kernels).perChannel(perChannel)
            .symmetric(symmetric).build());

    assertThat(report.nodes()).extracting(NodeDecision::opType)
        .containsExactly("Conv", "Conv", "Gemm");
    assertThat(report.nodes()).allMatch(NodeDecision::changed);
    assertThat(Outputs.relativeError(cnn, out)).isLessThan(TOLERANCE);
  }

  @Test
  void givesConvolutionsFloatKernelsOnInt8WeightsWithContribKernels() {
    Path cnn = TestModels.cnn(dir);
    Path out = dir.resolve("cnn-int8.onnx");
    Outputs.COMPRESSOR.compress(cnn, out, CompressionOptions.builder(Method.INT8_DYNAMIC)
        .perChannel(false).build());

    assertThat(Outputs.opTypes(out)).containsExactly("DequantizeLinear", "Conv", "Relu",
        "DequantizeLinear", "Conv", "Relu", "Flatten", "DynamicQuantizeMatMul");
  }

  @Test
  void leavesOutZeroPointsOfSymmetricInt8DenseWeights() {
    Path cnn = TestModels.cnn(dir);
    Path out = dir.resolve("cnn-int8.onnx");
    Outputs.COMPRESSOR.compress(cnn, out, CompressionOptions.builder(Method.INT8_DYNAMIC)
        .perChannel(false).symmetric(true).build());

    assertThat(Outputs.initializerNames(out)).filteredOn(name -> name.contains("zero_point"))
        .containsExactly("conv0.int8.zero_point", "conv1.int8.zero_point");
  }

  @Test
  void leavesActivationTimesActivationMatMulsAlone() {
    Path block = TestModels.transformer(dir);
    Path out = dir.resolve("transformer-int8.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(block, out,
        CompressionOptions.builder(Method.INT8_DYNAMIC).build());

    assertThat(report.nodes().stream().filter(NodeDecision::changed)).hasSize(6);
    assertThat(report.nodes().stream().filter(n -> !n.changed()))
        .extracting(NodeDecision::detail)
        .containsOnly("both operands are computed at run time");
    assertThat(Outputs.relativeError(block, out)).isLessThan(TOLERANCE);
  }
}
