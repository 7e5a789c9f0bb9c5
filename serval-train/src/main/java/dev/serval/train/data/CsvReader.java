package dev.serval.train.data;

import static dev.serval.train.internal.Checks.require;

import dev.serval.core.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a numeric CSV file into a {@link Dataset}: one row a line, one column the label or
 * regression target, all other columns features. A first line with any non-numeric field is a
 * header unless {@link Builder#header} says otherwise. Fields may be double-quoted; blank lines
 * are skipped; files whose name ends in {@code .gz} are gunzipped.
 */
public final class CsvReader {
  private final char delimiter;
  private final Boolean header;
  private final String labelName;
  private final int labelIndex;
  private final Task task;

  private CsvReader(Builder builder) {
    this.delimiter = builder.delimiter;
    this.header = builder.header;
    this.labelName = builder.labelName;
    this.labelIndex = builder.labelIndex;
    this.task = builder.task;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a file.
   *
   * @throws InvalidInputException when the file is not a numeric CSV that fits the settings
   * @throws UncheckedIOException when the file cannot be read
   */
  public Dataset read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      InputStream raw = file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
      return read(new InputStreamReader(raw, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CSV file " + file, e);
    }
  }

  /** Reads CSV text; {@code source} names it in error messages. Does not close the reader. */
  public Dataset read(Reader reader, String source) {
    try {
      return parse(new BufferedReader(reader), source);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CSV " + source, e);
    }
  }

  private Dataset parse(BufferedReader lines, String source) throws IOException {
    List<String[]> rows = new ArrayList<>();
    List<Integer> lineNumbers = new ArrayList<>();
    int number = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      if (!line.isBlank()) {
        rows.add(fields(line, source, number));
        lineNumbers.add(number);
      }
    }
    require(!rows.isEmpty(), "CSV " + source + " has no rows");
    boolean hasHeader = header != null ? header : !allNumeric(rows.get(0));
    String[] names = hasHeader ? rows.remove(0) : null;
    if (hasHeader) {
      lineNumbers.remove(0);
    }
    require(!rows.isEmpty(), "CSV " + source + " has a header but no data rows");
    int width = rows.get(0).length;
    require(width >= 2, "CSV " + source + " needs a label column and at least one feature column"
        + " but has " + width + " column(s); is the delimiter '" + delimiter + "' right?");
    int label = labelColumn(names, width, source);
    return toDataset(rows, lineNumbers, names, label, source);
  }

  private Dataset toDataset(List<String[]> rows, List<Integer> lineNumbers, String[] names,
      int label, String source) {
    int width = rows.get(0).length;
    float[] features = new float[rows.size() * (width - 1)];
    float[] targets = new float[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      String[] fields = rows.get(r);
      int line = lineNumbers.get(r);
      require(fields.length == width, "line " + line + " of CSV " + source + " has "
          + fields.length + " fields but the first row has " + width);
      int out = r * (width - 1);
      for (int c = 0; c < width; c++) {
        float value = number(fields[c], line, names == null ? "#" + c : names[c], source);
        if (c == label) {
          targets[r] = value;
        } else {
          features[out++] = value;
        }
      }
    }
    if (task == Task.REGRESSION) {
      return Dataset.regression(features, width - 1, targets, 1);
    }
    return Dataset.classification(features, width - 1, labels(targets, lineNumbers, source));
  }

  private static int[] labels(float[] targets, List<Integer> lineNumbers, String source) {
    int[] labels = new int[targets.length];
    for (int r = 0; r < targets.length; r++) {
      labels[r] = (int) targets[r];
      require(labels[r] == targets[r] && labels[r] >= 0, "line " + lineNumbers.get(r) + " of CSV "
          + source + ": class label must be a whole number >= 0 but was " + targets[r]
          + " (read the file as a regression data set for real-valued targets)");
    }
    return labels;
  }

  private int labelColumn(String[] names, int width, String source) {
    if (labelName == null) {
      int index = labelIndex < 0 ? width + labelIndex : labelIndex;
      require(index >= 0 && index < width, "label column index " + labelIndex
          + " is outside the " + width + " columns of CSV " + source);
      return index;
    }
    require(names != null, "label column '" + labelName + "' is named but CSV " + source
        + " has no header; give the label column by index instead");
    for (int c = 0; c < names.length; c++) {
      if (names[c].equals(labelName)) {
        return c;
      }
    }
    throw new InvalidInputException("CSV " + source + " has no column '" + labelName
        + "'; its columns are " + String.join(", ", names));
  }

  private static float number(String field, int line, String column, String source) {
    try {
      float value = Float.parseFloat(field);
      if (Float.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the position
    }
    throw new InvalidInputException("line " + line + ", column " + column + " of CSV " + source
        + ": '" + field + "' is not a finite number");
  }

  private static boolean allNumeric(String[] fields) {
    for (String field : fields) {
      try {
        Float.parseFloat(field);
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return true;
  }

  /** Splits a line; a double-quoted field may hold the delimiter and "" for a quote. */
  private String[] fields(String line, String source, int number) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted && ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
        field.append('"');
        i++;
      } else if (ch == '"') {
        quoted = !quoted;
      } else if (ch == delimiter && !quoted) {
        fields.add(field.toString().strip());
        field.setLength(0);
      } else {
        field.append(ch);
      }
    }
    require(!quoted, "line " + number + " of CSV " + source + " has an unclosed quote");
    fields.add(field.toString().strip());
    return fields.toArray(String[]::new);
  }

  /** Settings of a {@link CsvReader}; by default comma-separated, label in the last column. */
  public static final class Builder {
    private char delimiter = ',';
    private Boolean header;
    private String labelName;
    private int labelIndex = -1;
    private Task task = Task.CLASSIFICATION;

    private Builder() {}

    public Builder delimiter(char delimiter) {
      require(delimiter != '"' && delimiter != '\n' && delimiter != '\r',
          "delimiter must not be a quote or line break but was '" + delimiter + "'");
      this.delimiter = delimiter;
      return this;
    }

    /** Whether the first line is a header; without this call it is detected. */
    public Builder header(boolean header) {
      this.header = header;
      return this;
    }

    /** The label column by its header name. */
    public Builder labelColumn(String name) {
      require(name != null && !name.isBlank(), "label column name must not be blank but was '"
          + name + "'");
      this.labelName = name;
      return this;
    }

    /** The label column by index from 0; negative counts from the end, -1 is the last. */
    public Builder labelColumn(int index) {
      this.labelIndex = index;
      this.labelName = null;
      return this;
    }

    public Builder task(Task task) {
      require(task != null, "task must not be null");
      this.task = task;
      return this;
    }

    public CsvReader build() {
      return new CsvReader(this);
    }
  }
}
