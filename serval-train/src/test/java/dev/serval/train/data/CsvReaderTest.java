package dev.serval.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsvReaderTest {
  @TempDir Path dir;

  /** Random tables written in random layouts read back to the same features and labels. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void readsBackRandomTablesInAnyLayout(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int rows = 1 + random.nextInt(30);
    int columns = 2 + random.nextInt(8);
    int label = random.nextInt(columns);
    boolean header = random.nextBoolean();
    boolean quoted = random.nextBoolean();
    char delimiter = random.nextBoolean() ? ',' : ';';
    float[][] table = new float[rows][columns];
    List<String> lines = new ArrayList<>();
    if (header) {
      List<String> names = new ArrayList<>();
      for (int c = 0; c < columns; c++) {
        names.add(quoted ? "\"col " + delimiter + c + "\"" : "col" + c);
      }
      lines.add(String.join(String.valueOf(delimiter), names));
    }
    for (int r = 0; r < rows; r++) {
      List<String> fields = new ArrayList<>();
      for (int c = 0; c < columns; c++) {
        table[r][c] = c == label ? random.nextInt(5) : (float) random.nextDouble(-1e3, 1e3);
        String text = Float.toString(table[r][c]);
        fields.add(quoted ? "\"" + text + "\"" : " " + text + " ");
      }
      lines.add(String.join(String.valueOf(delimiter), fields));
    }
    String name = header ? (quoted ? "col " + delimiter + label : "col" + label) : null;
    CsvReader.Builder reader = CsvReader.builder().delimiter(delimiter);
    if (name != null && random.nextBoolean()) {
      reader.labelColumn(name);
    } else {
      reader.labelColumn(random.nextBoolean() ? label : label - columns);
    }

    Dataset data = reader.build().read(new StringReader(String.join("\n", lines) + "\n"), "t");

    assertThat(data.rows()).isEqualTo(rows);
    assertThat(data.featureCount()).isEqualTo(columns - 1);
    for (int r = 0; r < rows; r++) {
      assertThat(data.label(r)).isEqualTo((int) table[r][label]);
      int f = 0;
      for (int c = 0; c < columns; c++) {
        if (c != label) {
          assertThat(data.feature(r, f++)).isEqualTo(table[r][c]);
        }
      }
    }
  }

  @Test
  void readsGzippedFilesAndRegressionTargets() throws IOException {
    Path file = dir.resolve("data.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write("x,y,target\n1,2,0.5\n\n3,4,-1.25\n".getBytes(StandardCharsets.UTF_8));
    }

    Dataset data = CsvReader.builder().labelColumn("target").task(Task.REGRESSION).build()
        .read(file);

    assertThat(data.task()).isEqualTo(Task.REGRESSION);
    assertThat(data.features()).containsExactly(1, 2, 3, 4);
    assertThat(data.target(0, 0)).isEqualTo(0.5f);
    assertThat(data.target(1, 0)).isEqualTo(-1.25f);
  }

  @Test
  void rejectsRowsOfAnotherWidthNamingTheLine() {
    assertThatThrownBy(() -> read("a,b,c\n1,2,0\n1,2\n", CsvReader.builder()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("line 3").hasMessageContaining("2 fields");
  }

  @Test
  void rejectsNonNumericFieldsNamingLineAndColumn() {
    assertThatThrownBy(() -> read("a,b,c\n1,2,0\n1,x,1\n", CsvReader.builder()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("line 3, column b").hasMessageContaining("'x'");
    assertThatThrownBy(() -> read("1,NaN,0\n", CsvReader.builder().header(false)))
        .hasMessageContaining("'NaN' is not a finite number");
  }

  @Test
  void rejectsFractionalClassLabels() {
    assertThatThrownBy(() -> read("1,2,0.5\n", CsvReader.builder()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("class label must be a whole number")
        .hasMessageContaining("regression");
  }

  @Test
  void rejectsUnknownLabelNamesListingTheColumns() {
    assertThatThrownBy(() -> read("a,b\n1,2\n", CsvReader.builder().labelColumn("y")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no column 'y'").hasMessageContaining("a, b");
    assertThatThrownBy(() -> read("1,2\n", CsvReader.builder().labelColumn("y")))
        .hasMessageContaining("has no header");
    assertThatThrownBy(() -> read("1,2\n", CsvReader.builder().labelColumn(5)))
        .hasMessageContaining("label column index 5 is outside the 2 columns");
  }

  @Test
  void rejectsSingleColumnFilesSuggestingTheDelimiter() {
    assertThatThrownBy(() -> read("a;b\n1;2\n", CsvReader.builder()))
        .hasMessageContaining("1 column(s)").hasMessageContaining("delimiter ','");
  }

  private static Dataset read(String text, CsvReader.Builder builder) {
    return builder.build().read(new StringReader(text), "test.csv");
  }
}
