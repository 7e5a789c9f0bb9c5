package dev.serval.train.data;

import static dev.serval.train.internal.Checks.require;

import dev.serval.core.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy {@code .npy} files (format versions 1 to 3) of float32, float64 or integer
 * elements in C order, either byte order. Values become floats: integers beyond 2^24 lose
 * precision, which labels and pixel values never reach.
 */
public final class NpyReader {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private NpyReader() {}

  /**
   * Reads one array.
   *
   * @throws InvalidInputException when the file is not an .npy array this reader supports
   * @throws UncheckedIOException when the file cannot be read
   */
  public static NpyArray read(Path file) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read .npy file " + file, e);
    }
  }

  /** Reads one array from a stream; {@code source} names it in error messages. */
  public static NpyArray read(InputStream in, String source) throws IOException {
    DataInputStream data = new DataInputStream(in);
    try {
      String header = header(data, source);
      ElementType type = ElementType.parse(field(DESCR, header, "descr", source), source);
      require(field(FORTRAN, header, "fortran_order", source).equals("False"), ".npy " + source
          + " is in Fortran (column-major) order; save it in C order, e.g. with"
          + " numpy.ascontiguousarray");
      int[] shape = shape(field(SHAPE, header, "shape", source), source);
      long count = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
      require(count * type.size <= Integer.MAX_VALUE, ".npy " + source + " of shape "
          + Arrays.toString(shape) + " is too large (over 2 GiB)");
      byte[] bytes = new byte[(int) (count * type.size)];
      data.readFully(bytes);
      return new NpyArray(shape, type.decode(ByteBuffer.wrap(bytes).order(type.order),
          (int) count));
    } catch (EOFException e) {
      throw new InvalidInputException(".npy " + source + " ends before its header or data does");
    }
  }

  /**
   * A data set from a features array ({@code [rows, ...]}, trailing dimensions flattened) and a
   * targets array ({@code [rows]} of class labels, or {@code [rows]} / {@code [rows, k]} of
   * regression values).
   */
  public static Dataset dataset(Path features, Path targets, Task task) {
    NpyArray x = read(features);
    NpyArray y = read(targets);
    require(x.shape().length >= 2, "features " + features + " must have at least 2 dimensions"
        + " [rows, features...] but has shape " + Arrays.toString(x.shape()));
    int rows = x.shape()[0];
    require(y.shape().length >= 1 && y.shape()[0] == rows, "targets " + targets + " of shape "
        + Arrays.toString(y.shape()) + " must have one row per features row (" + rows + ")");
    int featureCount = rows == 0 ? 0 : x.values().length / rows;
    if (task == Task.REGRESSION) {
      return Dataset.regression(x.values(), featureCount, y.values(),
          rows == 0 ? 1 : y.values().length / rows);
    }
    require(y.shape().length == 1, "class labels " + targets + " must be one-dimensional [rows]"
        + " but have shape " + Arrays.toString(y.shape()));
    float[] values = y.values();
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) {
      labels[r] = (int) values[r];
      require(labels[r] == values[r] && labels[r] >= 0, "class label " + r + " of " + targets
          + " must be a whole number >= 0 but was " + values[r]);
    }
    return Dataset.classification(x.values(), featureCount, labels);
  }

  private static String header(DataInputStream data, String source) throws IOException {
    byte[] magic = new byte[MAGIC.length];
    data.readFully(magic);
    require(Arrays.equals(magic, MAGIC), source + " is not an .npy file (no \\x93NUMPY magic)");
    int major = data.readUnsignedByte();
    data.readUnsignedByte();
    require(major >= 1 && major <= 3, ".npy " + source + " has format version " + major
        + "; versions 1 to 3 are supported");
    long length = major == 1
        ? Short.toUnsignedInt(Short.reverseBytes(data.readShort()))
        : Integer.toUnsignedLong(Integer.reverseBytes(data.readInt()));
    require(length < 1 << 20, ".npy " + source + " has a header of " + length + " bytes");
    byte[] header = new byte[(int) length];
    data.readFully(header);
    return new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
  }

  private static String field(Pattern pattern, String header, String key, String source) {
    Matcher matcher = pattern.matcher(header);
    require(matcher.find(), ".npy " + source + " header has no valid '" + key + "': " + header);
    return matcher.group(1);
  }

  private static int[] shape(String text, String source) {
    return Arrays.stream(text.split(","))
        .map(String::strip)
        .filter(dim -> !dim.isEmpty())
        .mapToInt(dim -> {
          try {
            return Integer.parseInt(dim.endsWith("L") ? dim.substring(0, dim.length() - 1) : dim);
          } catch (NumberFormatException e) {
            throw new InvalidInputException(".npy " + source + " has a shape dimension '" + dim
                + "' that is not a whole number below 2^31");
          }
        })
        .toArray();
  }

  /** An element type of the .npy 'descr' field. */
  private record ElementType(char kind, int size, ByteOrder order) {
    static ElementType parse(String descr, String source) {
      boolean known = descr.length() >= 3 && "<>|=".indexOf(descr.charAt(0)) >= 0;
      char kind = known ? descr.charAt(1) : '?';
      String size = known ? descr.substring(2) : "";
      boolean supported = switch (kind) {
        case 'f' -> size.equals("4") || size.equals("8");
        case 'i', 'u' -> size.matches("[1248]");
        default -> false;
      };
      require(supported, ".npy " + source + " has element type '" + descr + "'; supported are"
          + " float32, float64 and signed or unsigned integers of 1, 2, 4 or 8 bytes");
      ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN
          : descr.charAt(0) == '=' ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
      return new ElementType(kind, Integer.parseInt(size), order);
    }

    float[] decode(ByteBuffer buffer, int count) {
      float[] values = new float[count];
      for (int i = 0; i < count; i++) {
        values[i] = next(buffer);
      }
      return values;
    }

    private float next(ByteBuffer buffer) {
      if (kind == 'f') {
        return size == 4 ? buffer.getFloat() : (float) buffer.getDouble();
      }
      long value = switch (size) {
        case 1 -> kind == 'u' ? Byte.toUnsignedLong(buffer.get()) : buffer.get();
        case 2 -> kind == 'u' ? Short.toUnsignedLong(buffer.getShort()) : buffer.getShort();
        case 4 -> kind == 'u' ? Integer.toUnsignedLong(buffer.getInt()) : buffer.getInt();
        default -> buffer.getLong();
      };
      // a uint64 above 2^63 reads as a negative long
      return kind == 'u' && size == 8 && value < 0 ? (float) unsigned(value) : (float) value;
    }

    private static double unsigned(long value) {
      return (double) (value >>> 1) * 2 + (value & 1);
    }
  }
}
