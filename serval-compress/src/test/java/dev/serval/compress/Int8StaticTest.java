package dev.serval.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class Int8StaticTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(CalibrationMethod.class)
  void qdqMlpCalibratedOnNpyRowsStaysCloseToTheOriginal(CalibrationMethod method)
      throws IOException {
    Path mlp = TestModels.mlp(dir);
    Path out = dir.resolve("static.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(mlp, out,
        CompressionOptions.builder(Method.INT8_STATIC).calibration(npy(200, 64))
            .calibrationMethod(method).build());

    assertThat(report.nodes()).hasSize(3).allMatch(NodeDecision::changed);
    assertThat(report.nodes().get(0).detail()).contains("input input in [-");
    // entropy clips the rare large activations on purpose, which costs the largest elements
    double tolerance = method == CalibrationMethod.ENTROPY ? 0.15 : 0.05;
    assertThat(Outputs.relativeError(mlp, out)).isLessThan(tolerance);
  }

  @Test
  void qdqCnnCalibratedOnJsonRows() throws IOException {
    Path cnn = TestModels.cnn(dir);
    Path out = dir.resolve("static.onnx");
    CompressionReport report = Outputs.COMPRESSOR.compress(cnn, out,
        CompressionOptions.builder(Method.INT8_STATIC).calibration(json(50, 3 * 12 * 12))
            .build());

    assertThat(report.changedNodes()).isEqualTo(3);
    assertThat(Outputs.relativeError(cnn, out)).isLessThan(0.05);
  }

  /** ONNX Runtime 1.28 leaves QDQ unfused, in float, when the weight has no zero point. */
  @Test
  void givesEveryDequantizeLinearTheZeroPointOnnxRuntimeNeedsToFuseIt() throws IOException {
    Path mlp = TestModels.mlp(dir);
    Path out = dir.resolve("static.onnx");
    Outputs.COMPRESSOR.compress(mlp, out, CompressionOptions.builder(Method.INT8_STATIC)
        .calibration(npy(20, 64)).symmetric(true).build());

    assertThat(Outputs.nodes(out)).filteredOn(n -> n.getOpType().equals("DequantizeLinear"))
        .hasSize(6).allSatisfy(n -> assertThat(n.getInputCount()).isEqualTo(3));
  }

  @Test
  void calibrationRowsOfTheWrongSizeAreRefusedWithoutOutput() throws IOException {
    Path mlp = TestModels.mlp(dir);
    Path out = dir.resolve("static.onnx");
    Path rows = json(5, 63);

    assertThatThrownBy(() -> Outputs.COMPRESSOR.compress(mlp, out,
        CompressionOptions.builder(Method.INT8_STATIC).calibration(rows).build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 0 has 63 numbers, but input 'input' of shape [-1, 64]"
            + " takes 64 values per row");
    assertThat(out).doesNotExist();
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void npyRowsOfTheWrongSizeAreRefusedNamingTheShape() throws IOException {
    Path mlp = TestModels.mlp(dir);
    Path out = dir.resolve("static.onnx");
    Path rows = npy(5, 63);

    assertThatThrownBy(() -> Outputs.COMPRESSOR.compress(mlp, out,
        CompressionOptions.builder(Method.INT8_STATIC).calibration(rows).build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has shape [5, 63], but input 'input' of shape [-1, 64]"
            + " takes 64 values per row");
    assertThat(out).doesNotExist();
  }

  /** Rows of a standard normal input as a float32 .npy file. */
  private Path npy(int rows, int width) throws IOException {
    String header = String.format(Locale.ROOT,
        "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows, width);
    header = header + " ".repeat(63 - (10 + header.length()) % 64) + "\n";
    ByteBuffer data = ByteBuffer.allocate(10 + header.length() + rows * width * 4)
        .order(ByteOrder.LITTLE_ENDIAN);
    data.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    data.putShort((short) header.length());
    data.put(header.getBytes(StandardCharsets.ISO_8859_1));
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < rows * width; i++) {
      data.putFloat((float) (random.nextDouble() * 2 - 1));
    }
    Path file = dir.resolve("calibration.npy");
    Files.write(file, data.array());
    return file;
  }

  private Path json(int rows, int width) throws IOException {
    SplittableRandom random = new SplittableRandom(9);
    StringBuilder text = new StringBuilder("[");
    for (int r = 0; r < rows; r++) {
      text.append(r == 0 ? "[" : ",[");
      for (int i = 0; i < width; i++) {
        text.append(i == 0 ? "" : ",").append(random.nextDouble() * 2 - 1);
      }
      text.append(']');
    }
    Path file = dir.resolve("calibration.json");
    Files.writeString(file, text.append(']'));
    return file;
  }
}
