package dev.serval.compress.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.core.InvalidInputException;
import dev.serval.core.TensorSpec;
import dev.serval.train.data.NpyArray;
import dev.serval.train.data.NpyReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of a model's single input for calibration: a NumPy {@code .npy} file (any array
 * {@link NpyReader} reads, first dimension = rows) or JSON, either an array of rows or {@code {"<input>": rows}},
 * each row a (nested) array of numbers.
 */
final class CalibrationData {
  private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
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

  private static List<float[]> npy(Path file, byte[] bytes, TensorSpec input, long perRow)
      throws IOException {
    NpyArray array = NpyReader.read(new ByteArrayInputStream(bytes), file.toString());
    int[] shape = array.shape();
    long rowSize = Arrays.stream(shape).skip(1).asLongStream().reduce(1, (x, y) -> x * y);
    if (shape.length == 0 || rowSize != perRow) {
      throw wrongShape(file, "has shape " + Arrays.toString(shape), input, perRow);
    }
    float[] values = array.values();
    List<float[]> rows = new ArrayList<>(shape[0]);
    for (int r = 0; r < shape[0]; r++) {
      rows.add(Arrays.copyOfRange(values, (int) (r * perRow), (int) ((r + 1) * perRow)));
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
