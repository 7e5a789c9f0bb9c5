package dev.serval.compress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of compressing with an accuracy gate: the original's metric, every candidate tried
 * with its size, speed and metric, and the report of the one picked (null when none was within
 * the tolerance, and then no output was written).
 *
 * @param metric how the models were scored
 * @param maxWorsening the tolerance; infinite when the gate only reported
 * @param rows evaluation rows
 * @param baseline the original's metric
 * @param original the original's size and speed
 * @param candidates every model tried, in order
 * @param result the picked model's compression report, or null
 * @param conclusion what was picked, or why nothing was
 */
public record GateReport(Metric metric, double maxWorsening, int rows, double baseline,
    ModelSummary original, List<Candidate> candidates, CompressionReport result,
    String conclusion) {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public GateReport {
    candidates = List.copyOf(candidates);
  }

  /** Whether a model within the tolerance was written. */
  public boolean passed() {
    return result != null;
  }

  public String toJson() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("metric", metric.cliName());
    if (Double.isFinite(maxWorsening)) {
      root.put("maxWorsening", maxWorsening);
    }
    root.put("rows", rows);
    root.put("baseline", baseline);
    root.set("original", MAPPER.valueToTree(original));
    root.set("candidates", MAPPER.valueToTree(candidates));
    root.put("conclusion", conclusion);
    try {
      root.set("result", result == null ? null : MAPPER.readTree(result.toJson()));
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write the gate report as JSON", e);
    }
  }

  /** The candidates as a table, the conclusion, then the picked model's report. */
  public String toText() {
    StringBuilder text = new StringBuilder();
    line(text, "%s of the original on %d rows: %.4g%s", metric.cliName(), rows, baseline,
        Double.isFinite(maxWorsening)
            ? String.format(Locale.ROOT, "; allowed to worsen by %.4g", maxWorsening) : "");
    line(text, "  %-48s %12s %7s %12s %8s %10s %10s", "candidate", "file bytes", "size",
        "rows/s", "speed", metric.cliName(), "worse by");
    for (Candidate c : candidates) {
      line(text, "%s %-48s %12d %6.2fx %12s %8s %10.4g %10.4g", c.picked() ? "*" : " ",
          c.settings(), c.fileBytes(),
          c.fileBytes() == 0 ? 0 : (double) original.fileBytes() / c.fileBytes(),
          c.throughput().isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", c.rowsPerSecond()),
          Double.isNaN(c.speedup()) ? "-" : String.format(Locale.ROOT, "%.2fx", c.speedup()),
          c.score(), c.worsening());
      line(text, "    %s", c.verdict());
    }
    if (!original.throughput().isEmpty()) {
      Throughput last = original.throughput().get(original.throughput().size() - 1);
      line(text, "rows/s at batch %d; the original: %.0f (speed: over the original's rows/s,"
          + " the two timed in alternating rounds)", last.batch(), last.rowsPerSecond());
    }
    line(text, "%s", conclusion);
    if (result != null) {
      text.append('\n').append(result.toText());
    }
    return text.toString();
  }

  private static void line(StringBuilder text, String format, Object... args) {
    text.append(String.format(Locale.ROOT, format, args)).append('\n');
  }
}
