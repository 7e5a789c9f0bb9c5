package dev.serval.train.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/** Data sets bundled with Serval, so that training, tests and benchmarks need no download. */
public final class Datasets {
  private static final String DIGITS = "digits.csv.gz";

  private Datasets() {}

  /**
   * The 8x8 handwritten digits of the UCI optical digits data (1,797 rows, 64 features with
   * pixel counts 0..16 in row-major image order, labels 0 to 9); source and licence in
   * {@code NOTICE.md} beside the resource.
   */
  public static Dataset digits() {
    try (InputStream in = Datasets.class.getResourceAsStream(DIGITS)) {
      if (in == null) {
        throw new IllegalStateException("resource " + DIGITS + " is missing from the jar");
      }
      InputStreamReader text =
          new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8);
      return CsvReader.builder().header(false).build().read(text, DIGITS);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled resource " + DIGITS, e);
    }
  }
}
