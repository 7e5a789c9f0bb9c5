package dev.serval.bench;

import static dev.serval.bench.ReportFormat.format;
import static dev.serval.bench.ReportFormat.millis;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the zero-downtime swap benchmark measured: the same closed-loop load without and with
 * deployment changes, the changes themselves, and which versions answered, with the issue's
 * targets checked.
 *
 * @param clients closed-loop clients of both phases
 * @param swapIntervalSeconds how often a change was started during the swap phase
 * @param steady the load while one version served
 * @param duringSwaps the same load while the deployment alternated between the versions
 */
public record SwapReport(Environment environment, int clients, double swapIntervalSeconds,
    LoadResult steady, LoadResult duringSwaps, SwapTimings swaps, VersionSample versions)
    implements BenchmarkOutput {
  static final double P99_RATIO_GOAL = 2;

  /** p99 latency during swaps over steady p99. */
  @JsonProperty("p99Ratio")
  public double p99Ratio() {
    return (double) duringSwaps.latency().p99Nanos() / steady.latency().p99Nanos();
  }

  /** The swap targets. */
  @JsonProperty("targets")
  public List<TargetCheck> targets() {
    long sampled = versions.failed()
        + versions.answersByVersion().values().stream().mapToLong(Long::longValue).sum();
    return List.of(
        new TargetCheck("failed requests during swaps",
            format("%d of %,d (load), %d of %d (sampled)", duringSwaps.errorCount(),
                duringSwaps.requests() + duringSwaps.errorCount(), versions.failed(), sampled),
            "0", duringSwaps.errorCount() == 0 && versions.failed() == 0),
        new TargetCheck("p99 during swaps vs steady",
            format("%.2fx (%.2f ms vs %.2f ms)", p99Ratio(),
                millis(duringSwaps.latency().p99Nanos()), millis(steady.latency().p99Nanos())),
            format("<= %.0fx", P99_RATIO_GOAL), p99Ratio() <= P99_RATIO_GOAL),
        new TargetCheck("versions that answered during swaps (sampled)", answers(), "both",
            versions.answersByVersion().size() >= 2),
        new TargetCheck("deployment changes", format("%d done, %d failed", swaps.done(),
            swaps.failed()), "all succeed", swaps.done() > 0 && swaps.failed() == 0));
  }

  public String toJson() {
    return ReportFormat.json(this);
  }

  @Override
  public String toMarkdown() {
    StringBuilder md = new StringBuilder(ReportFormat.environmentLine(environment))
        .append(format("%n**Steady load, then the same load while the deployment swaps every "
            + "%.1f s** (%d clients, 1-row JSON, no version in the path, %.0f s each)%n%n",
            swapIntervalSeconds, clients, steady.measuredSeconds()))
        .append("| phase | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | failed |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|\n")
        .append(loadRow("steady", steady))
        .append(loadRow("during swaps", duringSwaps));
    LatencySummary put = swaps.latency();
    md.append("\n**Deployment changes** (`PUT .../deployment`, each answered once served)\n\n")
        .append("| done | failed | p50 ms | p99 ms | max ms |\n|---:|---:|---:|---:|---:|\n")
        .append(format("| %d | %d | %.1f | %.1f | %.1f |%n", swaps.done(), swaps.failed(),
            millis(put.p50Nanos()), millis(put.p99Nanos()), millis(put.maxNanos())))
        .append(format("%nSampled answers by `model_version`: %s; %d failed.%n", answers(),
            versions.failed()));
    firstError(md, "the load during swaps", duringSwaps.firstError());
    firstError(md, "the deployment changes", swaps.firstError());
    firstError(md, "the sampled requests", versions.firstError());
    return md.append(ReportFormat.targetTable(targets())).toString();
  }

  private static String loadRow(String phase, LoadResult r) {
    LatencySummary l = r.latency();
    return format("| %s | %,d | %.0f | %.3f | %.3f | %.3f | %.3f | %d |%n", phase, r.requests(),
        r.requestsPerSecond(), millis(l.p50Nanos()), millis(l.p90Nanos()), millis(l.p99Nanos()),
        millis(l.maxNanos()), r.errorCount());
  }

  private String answers() {
    Map<String, Long> sorted = new TreeMap<>(versions.answersByVersion());
    return sorted.isEmpty() ? "none" : sorted.entrySet().stream()
        .map(e -> "version " + e.getKey() + ": " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static void firstError(StringBuilder md, String what, String error) {
    if (error != null) {
      md.append(format("%nFirst error of %s: %s%n", what, error));
    }
  }

  /** Writes {@link #toJson()} to {@code json} and {@link #toMarkdown()} to {@code markdown}. */
  @Override
  public void write(Path json, Path markdown) {
    ReportFormat.write(json, toJson(), markdown, toMarkdown());
  }
}
