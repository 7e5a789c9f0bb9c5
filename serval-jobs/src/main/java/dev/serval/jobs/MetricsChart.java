package dev.serval.jobs;

import dev.serval.jobs.internal.Axis;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's metrics as a self-contained SVG line chart: one panel per metric (their scales differ,
 * say a loss and an accuracy), x the step and y the value, with axes, nice ticks, grid lines and
 * the last value. Values that are not finite (NaN, infinities) are left out and counted. The same
 * points always give the same bytes, so charts can be compared and cached.
 */
public final class MetricsChart {
  private static final int WIDTH = 720;
  private static final int HEADER = 36;
  private static final int PANEL = 220;
  private static final int LEFT = 72;
  private static final int RIGHT = 24;
  private static final int TOP = 34;
  private static final int BOTTOM = 40;
  private static final int MARKED_POINTS = 40;
  private static final String[] COLOURS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"
  };

  private MetricsChart() {}

  /** The chart of {@code points} (any order) under {@code title}; a note when there are none. */
  public static String svg(String title, List<MetricPoint> points) {
    Map<String, List<MetricPoint>> series = new TreeMap<>();
    for (MetricPoint p : points) {
      series.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
    }
    int height = HEADER + PANEL * Math.max(1, series.size());
    StringBuilder svg = new StringBuilder();
    svg.append(format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
        + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n",
        WIDTH, height, WIDTH, height));
    svg.append("<title>").append(escape(title)).append("</title>\n");
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    svg.append(format("<text x=\"12\" y=\"24\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
        escape(title)));
    if (series.isEmpty()) {
      svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555555\">%s"
          + "</text>\n", WIDTH / 2, HEADER + PANEL / 2, escape("No metrics yet: a job reports"
          + " them by printing lines \"serval.metric NAME VALUE [STEP]\".")));
    }
    int index = 0;
    for (Map.Entry<String, List<MetricPoint>> metric : series.entrySet()) {
      panel(svg, metric.getKey(), metric.getValue(), HEADER + index * PANEL,
          COLOURS[index % COLOURS.length]);
      index++;
    }
    return svg.append("</svg>\n").toString();
  }

  private static void panel(StringBuilder svg, String name, List<MetricPoint> points, int top,
      String colour) {
    List<MetricPoint> finite = points.stream().filter(p -> Double.isFinite(p.value()))
        .sorted(Comparator.comparingLong(MetricPoint::step)).toList();
    int skipped = points.size() - finite.size();
    svg.append(format("<g transform=\"translate(0,%d)\">\n", top));
    svg.append(format("<text x=\"%d\" y=\"20\" font-size=\"12\" font-weight=\"bold\""
        + " fill=\"%s\">%s</text>\n", LEFT, colour, escape(heading(name, finite, skipped))));
    if (finite.isEmpty()) {
      svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555555\">"
          + "no finite values</text>\n</g>\n", WIDTH / 2, PANEL / 2));
      return;
    }
    Axis x = Axis.of(finite.get(0).step(), finite.get(finite.size() - 1).step(), 8, true);
    Axis y = Axis.of(finite.stream().mapToDouble(MetricPoint::value).min().orElseThrow(),
        finite.stream().mapToDouble(MetricPoint::value).max().orElseThrow(), 5, false);
    axes(svg, x, y);
    StringBuilder line = new StringBuilder();
    for (MetricPoint p : finite) {
      line.append(line.length() == 0 ? "" : " ")
          .append(coordinate(px(x, p.step()))).append(',').append(coordinate(py(y, p.value())));
    }
    svg.append(format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\""
        + " points=\"%s\"/>\n", colour, line));
    if (finite.size() <= MARKED_POINTS) {
      for (MetricPoint p : finite) {
        svg.append(format("<circle cx=\"%s\" cy=\"%s\" r=\"2.5\" fill=\"%s\"/>\n",
            coordinate(px(x, p.step())), coordinate(py(y, p.value())), colour));
      }
    }
    svg.append("</g>\n");
  }

  /** The metric's name, its last finite value and how many values were left out. */
  private static String heading(String name, List<MetricPoint> finite, int skipped) {
    StringBuilder heading = new StringBuilder(name);
    if (!finite.isEmpty()) {
      MetricPoint last = finite.get(finite.size() - 1);
      heading.append("  last ").append(number(last.value())).append(" at step ")
          .append(last.step());
    }
    if (skipped > 0) {
      heading.append("  (").append(skipped).append(" non-finite ")
          .append(skipped == 1 ? "value" : "values").append(" left out)");
    }
    return heading.toString();
  }

  private static void axes(StringBuilder svg, Axis x, Axis y) {
    int right = WIDTH - RIGHT;
    int bottom = PANEL - BOTTOM;
    for (double tick : y.ticks()) {
      String at = coordinate(py(y, tick));
      svg.append(format("<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" stroke=\"#e5e5e5\"/>\n"
          + "<text x=\"%d\" y=\"%s\" text-anchor=\"end\" dy=\"0.32em\">%s</text>\n",
          LEFT, at, right, at, LEFT - 6, at, escape(y.label(tick))));
    }
    for (double tick : x.ticks()) {
      String at = coordinate(px(x, tick));
      svg.append(format("<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"#333333\"/>\n"
          + "<text x=\"%s\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
          at, bottom, at, bottom + 4, at, bottom + 16, escape(x.label(tick))));
    }
    svg.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n",
        LEFT, TOP, LEFT, bottom));
    svg.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n",
        LEFT, bottom, right, bottom));
    svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555555\">step"
        + "</text>\n", (LEFT + right) / 2, bottom + 32));
  }

  private static double px(Axis x, double step) {
    return LEFT + x.fraction(step) * (WIDTH - RIGHT - LEFT);
  }

  private static double py(Axis y, double value) {
    return PANEL - BOTTOM - y.fraction(value) * (PANEL - BOTTOM - TOP);
  }

  private static String coordinate(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** A value with up to 6 significant digits and no trailing zeros: 0.00835385, 2, 1.5e-07. */
  public static String number(double value) {
    String text = String.format(Locale.ROOT, "%.6g", value);
    int exponent = text.indexOf('e');
    String mantissa = exponent < 0 ? text : text.substring(0, exponent);
    if (mantissa.contains(".")) {
      mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return exponent < 0 ? mantissa : mantissa + text.substring(exponent);
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }

  /** Escapes text for SVG element content and attribute values. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
