package dev.serval.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything one benchmark run measured, with the targets checked, as JSON (for tools)
 * and as a Markdown table (for people and {@code docs/benchmarks.md}).
 *
 * @param load load phases; the server under test is the target named {@link #SERVER}, any other
 *     target is a peer it is compared with
 * @param serverLayout the server's runtime threads; many-row results are compared with the raw
 *     runtime in this layout, or with the fastest layout when it was not measured
 */
public record BenchmarkReport(Environment environment, List<RuntimeResult> runtime,
    List<LoadResult> load, ThreadLayout serverLayout) implements BenchmarkOutput {

  /** The target name of the Serval server in load results. */
  public static final String SERVER = "serval";
  static final double SINGLE_ROW_REQUESTS_GOAL = 20_000;
  static final double SINGLE_ROW_P99_GOAL_MILLIS = 5;
  static final double PEER_RATIO_GOAL = 10;
  static final double RUNTIME_FRACTION_GOAL = 0.8;

  public BenchmarkReport {
    runtime = List.copyOf(runtime);
    load = List.copyOf(load);
  }

  /** The speed targets, for whichever of them this run has the figures for. */
  @JsonProperty("targets")
  public List<TargetCheck> targets() {
    List<TargetCheck> checks = new ArrayList<>();
    for (LoadResult r : serverResults(1, null)) {
      if (!r.encoding().isRest()) {
        continue;
      }
      double p99 = millis(r.latency().p99Nanos());
      checks.add(new TargetCheck(
          "1-row " + r.encoding() + ", " + r.concurrency() + " clients",
          format("%,.0f req/s, p99 %.2f ms", r.requestsPerSecond(), p99),
          format(">= %,.0f req/s, p99 < %.0f ms", SINGLE_ROW_REQUESTS_GOAL,
              SINGLE_ROW_P99_GOAL_MILLIS),
          withoutErrors(r,
              r.requestsPerSecond() >= SINGLE_ROW_REQUESTS_GOAL
                  && p99 < SINGLE_ROW_P99_GOAL_MILLIS)));
    }
    peerChecks(checks);
    grpcChecks(checks);
    runtimeFractionChecks(checks);
    return checks;
  }

  /** gRPC at least as fast as REST JSON at the same concurrency, with a low tail latency. */
  private void grpcChecks(List<TargetCheck> checks) {
    for (LoadResult grpc : serverResults(1, Encoding.GRPC)) {
      serverResults(1, Encoding.JSON).stream()
          .filter(json -> json.concurrency() == grpc.concurrency())
          .findFirst()
          .ifPresent(json -> {
            double p99 = millis(grpc.latency().p99Nanos());
            checks.add(new TargetCheck(
                "1-row GRPC, " + grpc.concurrency() + " streams vs JSON",
                format("%,.0f vs %,.0f req/s, p99 %.2f ms", grpc.requestsPerSecond(),
                    json.requestsPerSecond(), p99),
                format(">= JSON req/s, p99 < %.0f ms", SINGLE_ROW_P99_GOAL_MILLIS),
                withoutErrors(grpc, grpc.requestsPerSecond() >= json.requestsPerSecond()
                    && p99 < SINGLE_ROW_P99_GOAL_MILLIS)));
          });
    }
  }

  private void peerChecks(List<TargetCheck> checks) {
    for (LoadResult peer : load) {
      if (peer.target().equals(SERVER) || peer.rowsPerRequest() != 1) {
        continue;
      }
      serverResults(1, peer.encoding()).stream()
          .filter(r -> r.concurrency() == peer.concurrency())
          .findFirst()
          .ifPresent(server -> {
            double ratio = server.requestsPerSecond() / Math.max(peer.requestsPerSecond(), 1e-9);
            checks.add(new TargetCheck(
                "1-row " + peer.encoding() + ", " + peer.concurrency() + " clients vs "
                    + peer.target(),
                format("%.1fx (%,.0f vs %,.0f req/s)", ratio, server.requestsPerSecond(),
                    peer.requestsPerSecond()),
                format(">= %.0fx", PEER_RATIO_GOAL),
                withoutErrors(server, ratio >= PEER_RATIO_GOAL)));
          });
    }
  }

  private void runtimeFractionChecks(List<TargetCheck> checks) {
    for (Encoding encoding : Encoding.values()) {
      for (LoadResult r : serverResults(-1, encoding)) {
        rawAtBatch(r.rowsPerRequest()).ifPresent(raw -> {
          double fraction = r.rowsPerSecond() / raw.rowsPerSecond();
          checks.add(new TargetCheck(
              r.rowsPerRequest() + "-row " + encoding + ", " + r.concurrency()
                  + " clients vs raw runtime " + raw.instances() + "x" + raw.intraOpThreads(),
              format("%.0f%% (%,.0f vs %,.0f rows/s)", fraction * 100, r.rowsPerSecond(),
                  raw.rowsPerSecond()),
              encoding == Encoding.BINARY
                  ? format(">= %.0f%%", RUNTIME_FRACTION_GOAL * 100)
                  : "(for reference)",
              encoding == Encoding.BINARY
                  ? withoutErrors(r, fraction >= RUNTIME_FRACTION_GOAL)
                  : null));
        });
      }
    }
  }

  /** A result with errors misses its target whatever its speed. */
  private static boolean withoutErrors(LoadResult result, boolean goalReached) {
    return goalReached && result.errorCount() == 0;
  }

  /**
   * The server's results with one row per request ({@code rows == 1}) or more ({@code rows ==
   * -1}), of one encoding or ({@code null}) any.
   */
  private List<LoadResult> serverResults(int rows, Encoding encoding) {
    return load.stream()
        .filter(r -> r.target().equals(SERVER))
        .filter(r -> rows == 1 ? r.rowsPerRequest() == 1 : r.rowsPerRequest() > 1)
        .filter(r -> encoding == null || r.encoding() == encoding)
        .toList();
  }

  /** The raw runtime at {@code batch} in the server's layout, else in the fastest layout. */
  private Optional<RuntimeResult> rawAtBatch(int batch) {
    Optional<RuntimeResult> sameThreads = runtime.stream()
        .filter(r -> r.batchSize() == batch)
        .filter(r -> serverLayout != null && r.instances() == serverLayout.instances()
            && r.intraOpThreads() == serverLayout.intraOpThreads())
        .findFirst();
    return sameThreads.isPresent() ? sameThreads : runtime.stream()
        .filter(r -> r.batchSize() == batch)
        .max(Comparator.comparingDouble(RuntimeResult::rowsPerSecond));
  }

  public String toJson() {
    return ReportFormat.json(this);
  }

  @Override
  public String toMarkdown() {
    StringBuilder md = new StringBuilder();
    md.append(ReportFormat.environmentLine(environment));
    if (!runtime.isEmpty()) {
      md.append("\n**Raw runtime, in process**\n\n")
          .append("| batch | instances x threads | runs/s | rows/s | p50 ms | p99 ms |\n")
          .append("|---:|---:|---:|---:|---:|---:|\n");
      for (RuntimeResult r : runtime) {
        md.append(format("| %d | %d x %d | %,.0f | %,.0f | %.3f | %.3f |%n", r.batchSize(),
            r.instances(), r.intraOpThreads(), r.runsPerSecond(), r.rowsPerSecond(),
            millis(r.latency().p50Nanos()), millis(r.latency().p99Nanos())));
      }
    }
    if (!load.isEmpty()) {
      md.append("\n**Server, closed loop**\n\n")
          .append("| target | encoding | rows/request | clients | requests/s | rows/s | p50 ms "
              + "| p90 ms | p99 ms | max ms | errors |\n")
          .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
      for (LoadResult r : load) {
        LatencySummary l = r.latency();
        md.append(format("| %s | %s | %d | %d | %,.0f | %,.0f | %.3f | %.3f | %.3f | %.3f | %s |%n",
            r.target(), r.encoding(), r.rowsPerRequest(), r.concurrency(),
            r.requestsPerSecond(), r.rowsPerSecond(), millis(l.p50Nanos()), millis(l.p90Nanos()),
            millis(l.p99Nanos()), millis(l.maxNanos()), errors(r)));
      }
      for (LoadResult r : load) {
        if (r.firstError() != null) {
          md.append(format("%nFirst error of %s %s %d-row at %d clients: %s%n", r.target(),
              r.encoding(), r.rowsPerRequest(), r.concurrency(), r.firstError()));
        }
      }
    }
    List<TargetCheck> checks = targets();
    if (!checks.isEmpty()) {
      md.append(ReportFormat.targetTable(checks));
    }
    return md.toString();
  }

  /** Writes {@link #toJson()} to {@code json} and {@link #toMarkdown()} to {@code markdown}. */
  @Override
  public void write(Path json, Path markdown) {
    ReportFormat.write(json, toJson(), markdown, toMarkdown());
  }

  static String oneLine(RuntimeResult r) {
    return format("%,.0f rows/s, %,.0f runs/s, p50 %.3f ms, p99 %.3f ms", r.rowsPerSecond(),
        r.runsPerSecond(), millis(r.latency().p50Nanos()), millis(r.latency().p99Nanos()));
  }

  static String oneLine(LoadResult r) {
    return format("%,.0f req/s, %,.0f rows/s, p50 %.3f ms, p99 %.3f ms, errors %s",
        r.requestsPerSecond(), r.rowsPerSecond(), millis(r.latency().p50Nanos()),
        millis(r.latency().p99Nanos()), errors(r));
  }

  private static String errors(LoadResult r) {
    return r.errors().isEmpty() ? "0" : new TreeMap<>(r.errors()).toString();
  }

  private static double millis(long nanos) {
    return ReportFormat.millis(nanos);
  }

  private static String format(String pattern, Object... args) {
    return ReportFormat.format(pattern, args);
  }
}
