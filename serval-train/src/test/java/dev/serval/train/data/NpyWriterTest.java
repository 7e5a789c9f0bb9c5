package dev.serval.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyWriterTest {
  @TempDir Path dir;

  @Test
  void floatArraysReadBackExactly() {
    SplittableRandom random = new SplittableRandom(3);
    float[] values = new float[3 * 4 * 5];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    Path file = dir.resolve("floats.npy");

    NpyWriter.writeFloats(file, values, 3, 4, 5);

    NpyArray array = NpyReader.read(file);
    assertThat(array.shape()).containsExactly(3, 4, 5);
    assertThat(array.values()).containsExactly(values);
  }

  @Test
  void longArraysReadBackExactly() {
    Path file = dir.resolve("labels.npy");

    NpyWriter.writeLongs(file, new long[] {0, 9, 3, 1 << 20}, 4);

    NpyArray array = NpyReader.read(file);
    assertThat(array.shape()).containsExactly(4);
    assertThat(array.values()).containsExactly(0, 9, 3, 1 << 20);
  }

  @Test
  void startsDataAtAMultipleOf64BytesAfterANewlineEndedHeader() throws IOException {
    Path file = dir.resolve("empty.npy");

    NpyWriter.writeFloats(file, new float[0], 0, 7);

    byte[] bytes = Files.readAllBytes(file);
    assertThat(bytes.length % 64).isZero();
    String header = new String(bytes, 10, bytes.length - 10, StandardCharsets.ISO_8859_1);
    assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 7), }")
        .endsWith("\n");
  }

  @Test
  void rejectsValuesThatDoNotFillTheShape() {
    assertThatThrownBy(() -> NpyWriter.writeFloats(dir.resolve("x.npy"), new float[5], 2, 3))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("[2, 3]")
        .hasMessageContaining("5");
    assertThat(dir.resolve("x.npy")).doesNotExist();
  }
}
