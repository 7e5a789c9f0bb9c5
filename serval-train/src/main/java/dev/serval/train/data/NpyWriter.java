package dev.serval.train.data;

import static dev.serval.train.internal.Checks.require;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Writes NumPy {@code .npy} files (format version 1, C order, little-endian) of float32 or int64
 * elements, the arrays other tools such as NumPy read with {@code numpy.load}.
 */
public final class NpyWriter {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  /** Magic, version and the header length field, after which the data must start aligned. */
  private static final int PREAMBLE = MAGIC.length + 2;
  private static final int ALIGNMENT = 64;

  private NpyWriter() {}

  /** Writes float32 {@code values} of {@code shape} (row-major) to {@code file}. */
  public static void writeFloats(Path file, float[] values, int... shape) {
    ByteBuffer data = buffer(values.length, Float.BYTES, shape);
    data.asFloatBuffer().put(values);
    write(file, "<f4", shape, data);
  }

  /** Writes int64 {@code values} of {@code shape} (row-major), e.g. class labels. */
  public static void writeLongs(Path file, long[] values, int... shape) {
    ByteBuffer data = buffer(values.length, Long.BYTES, shape);
    data.asLongBuffer().put(values);
    write(file, "<i8", shape, data);
  }

  private static ByteBuffer buffer(int count, int size, int[] shape) {
    long expected = 1;
    for (int dim : shape) {
      require(dim >= 0, "shape " + Arrays.toString(shape) + " has a negative dimension");
      expected *= dim;
    }
    require(expected == count, "shape " + Arrays.toString(shape) + " holds " + expected
        + " values but " + count + " were given");
    return ByteBuffer.allocate(count * size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The bytes go to a temporary file in the same folder first: no reader sees half a file. */
  private static void write(Path file, String descr, int[] shape, ByteBuffer data) {
    byte[] header = header(descr, shape);
    Path folder = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(folder);
      Path temp = Files.createTempFile(folder, "array", ".npy.tmp");
      try {
        ByteBuffer out = ByteBuffer.allocate(PREAMBLE + header.length + data.capacity())
            .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putShort((short) header.length).put(header).put(data.array());
        Files.write(temp, out.array());
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write .npy file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The header dictionary, padded with spaces and ended by a newline to align the data. */
  private static byte[] header(String descr, int[] shape) {
    String dims = Arrays.stream(shape).mapToObj(Integer::toString)
        .collect(Collectors.joining(", ")) + (shape.length == 1 ? "," : "");
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    int padded = (PREAMBLE + dict.length() + 1 + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    return (dict + " ".repeat(padded - PREAMBLE - dict.length() - 1) + "\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }
}
