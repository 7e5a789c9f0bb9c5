package dev.serval.compress.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.core.InvalidInputException;
import dev.serval.core.TensorSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rows of a model's single input for calibration: a NumPy {@code .npy} file (float32 or float64,
 * C order, first dimension = rows) or JSON, either an array of rows or {@code {"<input>": rows}},
 * each row a (nested) array of numbers.
 */
final class CalibrationData {
  private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|=]?)([fi])(\\d)'");
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private CalibrationData() {}

  /**
   * The rows, each as long as one row of {@code input}.
   *
   * @throws InvalidInputException when the file cannot be read as rows of that size
   */
  static List<float[]> read(Path file, TensorSpec input) {
    long[] dims = input.shape().dims();
    long perRow = 1;
    for (int i = 1; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw new InvalidInputException("input '" + input.name() + "' has shape "
            + input.shape() + " with a dynamic dimension after the batch; int8-static needs"
            + " fixed row shapes to check the calibration data");
      }
      perRow *= dims[i];
    }
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("calibration file " + file + " does not exist");
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      List<float[]> rows = startsWith(bytes, NPY_MAGIC)
          ? npy(file, bytes, input, perRow) : json(file, bytes, input, perRow);
      if (rows.isEmpty()) {
        throw new InvalidInputException("calibration file " + file + " has no rows");
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static List<float[]> npy(Path file, byte[] bytes, TensorSpec input, long perRow) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int major = bytes[6];
    int headerLength = major == 1 ? buffer.getShort(8) & 0xffff : buffer.getInt(8);
    int offset = major == 1 ? 10 : 12;
    String header = new String(bytes, offset, headerLength, StandardCharsets.ISO_8859_1);
    Matcher descr = DESCR.matcher(header);
    Matcher shape = SHAPE.matcher(header);
    if (!descr.find() || !shape.find() || header.contains("'fortran_order': True")
        || descr.group(1).equals(">") || !descr.group(2).equals("f")
        || !(descr.group(3).equals("4") || descr.group(3).equals("8"))) {
      throw new InvalidInputException("calibration file " + file + " must be a C-order float32"
          + " or float64 little-endian .npy array, but its header is " + header.strip());
    }
    List<Long> dims = new ArrayList<>();
    for (String part : shape.group(1).split(",")) {
      if (!part.isBlank()) {
        dims.add(Long.parseLong(part.strip()));
      }
    }
    long rowSize = dims.stream().skip(1).reduce(1L, (a, b) -> a * b);
    if (dims.isEmpty() || rowSize != perRow) {
      throw wrongShape(file, "has shape " + dims, input, perRow);
    }
    int width = Integer.parseInt(descr.group(3));
    buffer.position(offset + headerLength);
    List<float[]> rows = new ArrayList<>();
    for (long r = 0; r < dims.get(0); r++) {
      float[] row = new float[(int) perRow];
      for (int i = 0; i < row.length; i++) {
        row[i] = width == 4 ? buffer.getFloat() : (float) buffer.getDouble();
      }
      rows.add(row);
    }
    return rows;
  }

  private static List<float[]> json(Path file, byte[] bytes, TensorSpec input, long perRow)
      throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("calibration file " + file + " is neither a .npy array"
          + " nor JSON: " + e.getOriginalMessage());
    }
    JsonNode rows = root != null && root.isObject() ? root.get(input.name()) : root;
    if (rows == null || !rows.isArray()) {
      throw new InvalidInputException("calibration file " + file + " must hold an array of rows"
          + " or an object with the input '" + input.name() + "' as key");
    }
    List<float[]> result = new ArrayList<>();
    for (JsonNode row : rows) {
      List<Float> values = new ArrayList<>();
      flatten(row, values);
      if (values.size() != perRow) {
        throw wrongShape(file, "row " + result.size() + " has " + values.size() + " numbers",
            input, perRow);
      }
      float[] array = new float[values.size()];
      for (int i = 0; i < array.length; i++) {
        array[i] = values.get(i);
      }
      result.add(array);
    }
    return result;
  }

  private static void flatten(JsonNode node, List<Float> values) {
    if (node.isArray()) {
      node.forEach(child -> flatten(child, values));
    } else if (node.isNumber()) {
      values.add(node.floatValue());
    } else {
      throw new InvalidInputException("calibration rows must hold numbers only, not " + node);
    }
  }

  private static InvalidInputException wrongShape(
      Path file, String what, TensorSpec input, long perRow) {
    return new InvalidInputException("calibration file " + file + " " + what + ", but input '"
        + input.name() + "' of shape " + input.shape() + " takes " + perRow + " values per row");
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length + 6) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
