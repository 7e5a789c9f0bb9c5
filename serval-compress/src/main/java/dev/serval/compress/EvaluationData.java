package dev.serval.compress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.core.InvalidInputException;
import dev.serval.train.data.CsvReader;
import dev.serval.train.data.Dataset;
import dev.serval.train.data.NpyReader;
import dev.serval.train.data.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Labelled rows for the accuracy gate: a CSV file (label in the last column, header optional,
 * {@code .gz} gunzipped), JSON rows {@code [{"features": [...], "label": 3}, ...]}, or a pair of
 * {@code .npy} arrays (features {@code [rows, ...]}, labels {@code [rows]}).
 */
public final class EvaluationData {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EvaluationData() {}

  /**
   * Reads a CSV or JSON file, told apart by its name ({@code .json}, else CSV).
   *
   * @throws InvalidInputException when the file does not hold labelled numeric rows
   */
  public static Dataset read(Path file) {
    requireFile(file);
    return file.getFileName().toString().endsWith(".json") ? json(file)
        : CsvReader.builder().build().read(file);
  }

  /** Reads features and labels from two {@code .npy} files. */
  public static Dataset read(Path features, Path labels) {
    requireFile(features);
    requireFile(labels);
    return NpyReader.dataset(features, labels, Task.CLASSIFICATION);
  }

  private static void requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("evaluation file " + file + " does not exist");
    }
  }

  private static Dataset json(Path file) {
    JsonNode rows;
    try {
      rows = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("evaluation file " + file + " is not JSON: "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (rows == null || !rows.isArray() || rows.isEmpty()) {
      throw new InvalidInputException("evaluation file " + file + " must hold a non-empty array"
          + " of rows like {\"features\": [...], \"label\": 3}");
    }
    List<Float> features = new ArrayList<>();
    int[] labels = new int[rows.size()];
    int width = -1;
    for (int r = 0; r < rows.size(); r++) {
      JsonNode row = rows.get(r);
      JsonNode label = row.path("label");
      if (!label.canConvertToExactIntegral() || label.asInt() < 0) {
        throw new InvalidInputException("row " + r + " of " + file
            + " needs a \"label\" that is a whole number >= 0, not " + label);
      }
      labels[r] = label.asInt();
      int before = features.size();
      flatten(row.path("features"), features, file, r);
      int size = features.size() - before;
      if (width >= 0 && size != width) {
        throw new InvalidInputException("row " + r + " of " + file + " has " + size
            + " features but row 0 has " + width);
      }
      width = size;
    }
    float[] values = new float[features.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = features.get(i);
    }
    return Dataset.classification(values, width, labels);
  }

  private static void flatten(JsonNode node, List<Float> values, Path file, int row) {
    if (node.isArray()) {
      node.forEach(child -> flatten(child, values, file, row));
    } else if (node.isNumber()) {
      values.add(node.floatValue());
    } else {
      throw new InvalidInputException("row " + row + " of " + file + " needs \"features\": an"
          + " array of numbers, but holds " + node);
    }
  }
}
