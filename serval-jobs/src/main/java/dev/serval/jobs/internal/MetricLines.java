package dev.serval.jobs.internal;

import dev.serval.jobs.MetricPoint;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Metrics a job reports as {@code serval.metric NAME VALUE [STEP]} lines on its output, or as
 * {@code NAME VALUE [STEP]} lines in its metrics file. Without a step, a metric's values are
 * numbered on from its last step. One instance per attempt and source.
 */
public final class MetricLines {
  public static final String PREFIX = "serval.metric ";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private final Map<String, Long> lastStep = new HashMap<>();

  /** A result for each line: a metric, or why the line is not one. */
  public sealed interface Parsed permits Metric, Malformed {}

  public record Metric(MetricPoint point) implements Parsed {}

  public record Malformed(String problem) implements Parsed {}

  /** A {@code serval.metric} output line; empty for any other output. */
  public Optional<Parsed> outputLine(String line, Instant now) {
    String trimmed = line.strip();
    if (!trimmed.startsWith(PREFIX)) {
      return Optional.empty();
    }
    return Optional.of(parse(trimmed.substring(PREFIX.length()), now));
  }

  /** A line of the metrics file; blank lines and lines starting with '#' are skipped. */
  public Optional<Parsed> fileLine(String line, Instant now) {
    String trimmed = line.strip();
    if (trimmed.isEmpty() || trimmed.startsWith("#")) {
      return Optional.empty();
    }
    String body = trimmed.startsWith(PREFIX) ? trimmed.substring(PREFIX.length()) : trimmed;
    return Optional.of(parse(body, now));
  }

  private Parsed parse(String body, Instant now) {
    String[] parts = SPACES.split(body.strip());
    if (parts.length < 2 || parts.length > 3) {
      return new Malformed("expected NAME VALUE [STEP]: '" + body + "'");
    }
    if (!NAME.matcher(parts[0]).matches()) {
      return new Malformed("metric name must be 1-128 characters of A-Z a-z 0-9 _ . : / -: '"
          + parts[0] + "'");
    }
    double value;
    try {
      value = Double.parseDouble(parts[1]);
    } catch (NumberFormatException e) {
      return new Malformed("metric " + parts[0] + " value is not a number: '" + parts[1] + "'");
    }
    if (!Double.isFinite(value)) {
      return new Malformed("metric " + parts[0] + " value must be finite: '" + parts[1] + "'");
    }
    long step;
    if (parts.length == 3) {
      try {
        step = Long.parseLong(parts[2]);
      } catch (NumberFormatException e) {
        step = -1;
      }
      if (step < 0) {
        return new Malformed("metric " + parts[0] + " step must be an integer >= 0: '" + parts[2]
            + "'");
      }
    } else {
      step = lastStep.containsKey(parts[0]) ? lastStep.get(parts[0]) + 1 : 0;
    }
    lastStep.put(parts[0], step);
    return new Metric(new MetricPoint(parts[0], step, value, now));
  }
}
