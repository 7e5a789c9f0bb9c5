package dev.serval.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Number formatting and file output shared by the benchmark reports. */
final class ReportFormat {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportFormat() {}

  static String json(Object report) {
    try {
      return JSON.writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report records always serialize", e);
    }
  }

  static void write(Path json, String jsonText, Path markdown, String markdownText) {
    try {
      Files.writeString(json, jsonText);
      Files.writeString(markdown, markdownText);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report: " + e.getMessage(), e);
    }
  }

  static String environmentLine(Environment environment) {
    return format("Run %s on %d CPUs (%s), %s, %s.%n", environment.startedAt(),
        environment.cpus(), environment.cpuModel(), environment.java(), environment.os());
  }

  static String targetTable(List<TargetCheck> checks) {
    StringBuilder md = new StringBuilder("\n**Targets**\n\n| what | measured | goal | met |\n"
        + "|---|---|---|---|\n");
    for (TargetCheck c : checks) {
      String met = c.met() == null ? "" : c.met() ? "yes" : "**no**";
      md.append("| ").append(c.name()).append(" | ").append(c.measured()).append(" | ")
          .append(c.goal()).append(" | ").append(met).append(" |\n");
    }
    return md.toString();
  }

  static double millis(long nanos) {
    return nanos / 1e6;
  }

  static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
