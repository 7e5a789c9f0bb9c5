package dev.serval.bench;

import static dev.serval.bench.ReportFormat.format;
import static dev.serval.bench.ReportFormat.millis;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the registry benchmark measured, with the targets checked, as JSON and Markdown.
 *
 * @param push the push scenario, or {@code null} when it was not run
 * @param versions versions of the model the reads were measured on (0 when reads were not run)
 * @param otherModels further models in the registry during the reads
 * @param reads one result per read endpoint
 */
public record RegistryReport(Environment environment, PushResult push, int versions,
    int otherModels, List<EndpointResult> reads) implements BenchmarkOutput {
  static final double PUSH_RATIO_GOAL = 2;
  static final double READ_P99_GOAL_MILLIS = 5;

  public RegistryReport {
    reads = List.copyOf(reads);
  }

  /** The registry targets, for whichever of them this run has the figures for. */
  @JsonProperty("targets")
  public List<TargetCheck> targets() {
    List<TargetCheck> checks = new ArrayList<>();
    if (push != null) {
      checks.add(new TargetCheck("push + validate " + megabytes(push.modelBytes()) + " vs copy",
          format("%.2fx (%.2f s vs %.2f s, medians)", push.ratio(),
              seconds(push.pushMedianNanos()), seconds(push.copyMedianNanos())),
          format("< %.0fx", PUSH_RATIO_GOAL), push.ratio() < PUSH_RATIO_GOAL));
    }
    for (EndpointResult r : reads) {
      double p99 = millis(r.latency().p99Nanos());
      checks.add(new TargetCheck(r.endpoint() + ", " + format("%,d", versions) + " versions",
          format("p99 %.2f ms", p99), format("p99 < %.0f ms", READ_P99_GOAL_MILLIS),
          r.errors() == 0 && p99 < READ_P99_GOAL_MILLIS));
    }
    return checks;
  }

  public String toJson() {
    return ReportFormat.json(this);
  }

  @Override
  public String toMarkdown() {
    StringBuilder md = new StringBuilder(ReportFormat.environmentLine(environment));
    if (push != null) {
      appendPush(md);
    }
    if (!reads.isEmpty()) {
      appendReads(md);
    }
    return md.append(ReportFormat.targetTable(targets())).toString();
  }

  private void appendPush(StringBuilder md) {
    md.append(format("%n**Push + validate a %s model** (%d times)%n%n", megabytes(
        push.modelBytes()), push.pushNanos().size()))
        .append("| what | median s | min s |\n|---|---:|---:|\n")
        .append(format("| copy the file (Files.copy + fsync) | %.3f | %.3f |%n",
            seconds(push.copyMedianNanos()), seconds(push.copyMinNanos())))
        .append(format("| push, wait=true (upload, hash, store, validate) | %.3f | %.3f |%n",
            seconds(push.pushMedianNanos()), seconds(push.pushMinNanos())))
        .append(format("%nRatio of medians: %.2fx.%n", push.ratio()));
    if (!push.breakdown().isEmpty()) {
      md.append("\n**Where a push spends its time** (each part alone, in process)\n\n")
          .append("| part | s |\n|---|---:|\n");
      long sum = 0;
      for (StepTiming t : push.breakdown()) {
        md.append(format("| %s | %.3f |%n", t.step(), seconds(t.nanos())));
        sum += t.nanos();
      }
      md.append(format("| sum | %.3f |%n", seconds(sum)));
    }
  }

  private void appendReads(StringBuilder md) {
    md.append(format("%n**Registry reads** (one model with %,d versions, %,d more models; one "
            + "client, one keep-alive connection)%n%n", versions, otherModels))
        .append("| endpoint | example | requests | p50 ms | p90 ms | p99 ms | max ms | errors |\n")
        .append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (EndpointResult r : reads) {
      LatencySummary l = r.latency();
      md.append(format("| %s | `%s` | %,d | %.3f | %.3f | %.3f | %.3f | %d |%n", r.endpoint(),
          r.example(), l.count(), millis(l.p50Nanos()), millis(l.p90Nanos()),
          millis(l.p99Nanos()), millis(l.maxNanos()), r.errors()));
    }
    for (EndpointResult r : reads) {
      if (r.firstError() != null) {
        md.append(format("%nFirst error of %s: %s%n", r.endpoint(), r.firstError()));
      }
    }
  }

  /** Writes {@link #toJson()} to {@code json} and {@link #toMarkdown()} to {@code markdown}. */
  @Override
  public void write(Path json, Path markdown) {
    ReportFormat.write(json, toJson(), markdown, toMarkdown());
  }

  private static String megabytes(long bytes) {
    return format("%.1f MB", bytes / 1e6);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
