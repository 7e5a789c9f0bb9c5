package dev.serval.compress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.train.CnnTrainer;
import dev.serval.train.TrainingOptions;
import dev.serval.train.data.Dataset;
import dev.serval.train.data.Datasets;
import dev.serval.train.data.Split;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * int8-dynamic on the CNNs serval-train makes for the digits: the tiny one (16 filters, about
 * 2,700 weights; 0.435x before its Conv kept a float kernel) and a typical one with a dense
 * hidden layer. File sizes depend on the architecture only, so one epoch of training will do;
 * outputs are compared on the digits test rows, the inputs these models are made for.
 */
class DigitsCnnInt8Test {
  private static final double TOLERANCE = 0.05;
  private static final String INPUT = "input";

  @TempDir static Path dir;
  private static Path tiny;
  private static Path typical;
  private static Dataset test;

  @BeforeAll
  static void trainCnns() {
    Split split = Datasets.digits().split(0.15, 0.15, 7);
    test = split.test();
    TrainingOptions options = TrainingOptions.builder().epochs(1).seed(1).build();
    tiny = dir.resolve("tiny.onnx");
    CnnTrainer.builder().options(options).build()
        .fit(split.train(), split.validation(), p -> { }).writeOnnx(tiny);
    typical = dir.resolve("typical.onnx");
    CnnTrainer.builder().hidden(128).options(options).build()
        .fit(split.train(), split.validation(), p -> { }).writeOnnx(typical);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void shrinksTheTinyCnnBelowFourTenthsWithinTolerance(boolean perChannel) {
    Path out = dir.resolve("tiny-int8-" + perChannel + ".onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(tiny, out,
        CompressionOptions.builder(Method.INT8_DYNAMIC).perChannel(perChannel).build());

    assertThat(report.nodes()).allMatch(NodeDecision::changed);
    assertThat((double) report.result().fileBytes() / report.original().fileBytes())
        .isLessThan(perChannel ? 0.395 : 0.385);
    assertThat(Outputs.relativeError(tiny, out, INPUT, test)).isLessThan(TOLERANCE);
  }

  @Test
  void shrinksATypicalSmallCnnBelowThreeTenths() {
    Path out = dir.resolve("typical-int8.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(typical, out,
        CompressionOptions.builder(Method.INT8_DYNAMIC).build());

    assertThat((double) report.result().fileBytes() / report.original().fileBytes())
        .isLessThan(0.3);
    assertThat(Outputs.relativeError(typical, out, INPUT, test)).isLessThan(TOLERANCE);
  }
}
