package dev.serval.server.cli;

import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * A series as a line of characters whose height follows the values, e.g. {@code █▆▄▃▂▂▁▁} for a
 * falling loss. Block characters where the output can show them, ASCII otherwise.
 */
final class Sparkline {
  private static final String BLOCKS = "▁▂▃▄▅▆▇█";
  private static final String ASCII = "_.-~=+*#";

  private Sparkline() {}

  /** The levels the default output charset can print. */
  static String levels() {
    return Charset.defaultCharset().newEncoder().canEncode(BLOCKS) ? BLOCKS : ASCII;
  }

  /**
   * One character per value, or per group of values averaged when there are more than
   * {@code width}; values that are not finite are left out; a constant series is a middle line.
   */
  static String of(double[] values, int width, String levels) {
    double[] finite = Arrays.stream(values).filter(Double::isFinite).toArray();
    int count = Math.min(width, finite.length);
    double[] means = new double[count];
    for (int c = 0; c < count; c++) {
      int from = (int) ((long) c * finite.length / count);
      int to = (int) ((long) (c + 1) * finite.length / count);
      means[c] = Arrays.stream(finite, from, to).average().orElseThrow();
    }
    double min = Arrays.stream(means).min().orElse(0);
    double max = Arrays.stream(means).max().orElse(0);
    StringBuilder line = new StringBuilder(count);
    int top = levels.length() - 1;
    for (double mean : means) {
      int level = max > min ? (int) Math.round((mean - min) / (max - min) * top) : top / 2;
      line.append(levels.charAt(level));
    }
    return line.toString();
  }
}
