package dev.serval.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyReaderTest {
  private static final String[] TYPES =
      {"f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"};

  @TempDir Path dir;

  /** Random arrays of every supported type, byte order and format version read back exactly. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void readsBackRandomArraysOfEverySupportedType(long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    String type = TYPES[random.nextInt(TYPES.length)];
    ByteOrder order = random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    int[] shape = new int[1 + random.nextInt(3)];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = random.nextInt(5);
    }
    float[] values = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
    for (int i = 0; i < values.length; i++) {
      values[i] = type.startsWith("f") ? (float) random.nextDouble(-100, 100)
          : random.nextInt(type.startsWith("u") ? 256 : 255) - (type.startsWith("u") ? 0 : 127);
    }
    String descr = (order == ByteOrder.BIG_ENDIAN ? ">" : "<") + type;

    NpyArray array = NpyReader.read(
        new ByteArrayInputStream(npy(descr, order, shape, values, 1 + random.nextInt(3))), "t");

    assertThat(array.shape()).containsExactly(shape);
    assertThat(array.values()).containsExactly(values);
  }

  @Test
  void readsUnsignedSixtyFourBitValuesAboveTheSignedRange() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L);
    byte[] file = concat(header("<u8", new int[] {1}, 1), data.array());

    float[] values = NpyReader.read(new ByteArrayInputStream(file), "t").values();

    assertThat(values[0]).isEqualTo(1.8446744e19f);
  }

  @Test
  void buildsDatasetsFromFeatureAndLabelFiles() throws IOException {
    Path x = dir.resolve("x.npy");
    Path y = dir.resolve("y.npy");
    Files.write(x, npy("<f4", ByteOrder.LITTLE_ENDIAN, new int[] {2, 2, 2},
        new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1));
    Files.write(y, npy("<i8", ByteOrder.LITTLE_ENDIAN, new int[] {2}, new float[] {1, 0}, 1));

    Dataset classes = NpyReader.dataset(x, y, Task.CLASSIFICATION);
    Dataset values = NpyReader.dataset(x, y, Task.REGRESSION);

    assertThat(classes.featureCount()).isEqualTo(4);
    assertThat(classes.label(0)).isEqualTo(1);
    assertThat(classes.classes()).isEqualTo(2);
    assertThat(values.target(1, 0)).isZero();
    assertThat(values.features()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
  }

  @Test
  void rejectsFortranOrderSayingHowToFixIt() {
    byte[] file = concat(
        dict("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", 1), new byte[4]);

    assertThatThrownBy(() -> NpyReader.read(new ByteArrayInputStream(file), "f.npy"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Fortran").hasMessageContaining("ascontiguousarray");
  }

  @Test
  void rejectsUnsupportedElementTypesListingTheSupportedOnes() {
    for (String descr : new String[] {"<c8", "|b1", "<U3", "|O", "<f2"}) {
      byte[] file = concat(header(descr, new int[] {1}, 1), new byte[16]);

      assertThatThrownBy(() -> NpyReader.read(new ByteArrayInputStream(file), "f.npy"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'" + descr + "'").hasMessageContaining("float32, float64");
    }
  }

  @Test
  void rejectsFilesThatAreNotNpyOrEndEarly() {
    assertThatThrownBy(() -> NpyReader.read(
        new ByteArrayInputStream("PK\3\4 zip".getBytes(StandardCharsets.ISO_8859_1)), "a.npz"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not an .npy file");
    byte[] truncated = concat(header("<f8", new int[] {3}, 1), new byte[10]);
    assertThatThrownBy(() -> NpyReader.read(new ByteArrayInputStream(truncated), "t.npy"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("ends before");
  }

  @Test
  void rejectsLabelsWithAnotherRowCount() throws IOException {
    Path x = dir.resolve("x.npy");
    Path y = dir.resolve("y.npy");
    Files.write(x, npy("<f4", ByteOrder.LITTLE_ENDIAN, new int[] {2, 1}, new float[2], 1));
    Files.write(y, npy("<f4", ByteOrder.LITTLE_ENDIAN, new int[] {3}, new float[3], 1));

    assertThatThrownBy(() -> NpyReader.dataset(x, y, Task.CLASSIFICATION))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("one row per features row (2)");
  }

  /** An .npy file as NumPy writes it: magic, version, padded header, then the elements. */
  static byte[] npy(String descr, ByteOrder order, int[] shape, float[] values, int version) {
    int size = Integer.parseInt(descr.substring(2));
    ByteBuffer data = ByteBuffer.allocate(values.length * size).order(order);
    for (float value : values) {
      switch (descr.substring(1)) {
        case "f4" -> data.putFloat(value);
        case "f8" -> data.putDouble(value);
        case "i1", "u1" -> data.put((byte) value);
        case "i2", "u2" -> data.putShort((short) value);
        case "i4", "u4" -> data.putInt((int) value);
        default -> data.putLong((long) value);
      }
    }
    return concat(header(descr, shape, version), data.array());
  }

  private static byte[] header(String descr, int[] shape, int version) {
    String dims = Arrays.stream(shape).mapToObj(Integer::toString)
        .collect(Collectors.joining(", ")) + (shape.length == 1 ? "," : "");
    return dict("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }",
        version);
  }

  private static byte[] dict(String dict, int version) {
    int prefix = version == 1 ? 10 : 12;
    StringBuilder text = new StringBuilder(dict);
    while ((prefix + text.length() + 1) % 64 != 0) {
      text.append(' ');
    }
    byte[] body = text.append('\n').toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer head = ByteBuffer.allocate(prefix).order(ByteOrder.LITTLE_ENDIAN);
    head.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
    if (version == 1) {
      head.putShort((short) body.length);
    } else {
      head.putInt(body.length);
    }
    return concat(head.array(), body);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
