package dev.serval.bench;

import static dev.serval.bench.ReportFormat.format;
import static dev.serval.bench.ReportFormat.millis;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the gateway benchmark measured: latency with and without the gateway, and one replica of
 * three killed under load, with the targets checked.
 */
public record GatewayReport(Environment environment, List<Overhead> overhead, Kill kill)
    implements BenchmarkOutput {
  static final double OVERHEAD_GOAL_MICROS = 300;
  static final double MOVE_GOAL_MILLIS = 2000;

  public GatewayReport {
    overhead = List.copyOf(overhead);
  }

  /**
   * The same 1-row JSON load on one replica, directly and through a gateway in front of it.
   *
   * @param gatewayCpuMicrosPerRequest the gateway process's CPU time over the gateway phase
   *     (warmup included) divided by the requests it answered in that time
   */
  public record Overhead(int clients, LoadResult direct, LoadResult viaGateway,
      double gatewayCpuMicrosPerRequest) {
    /** Added p50 latency in microseconds. */
    @JsonProperty("p50OverheadMicros")
    public double p50OverheadMicros() {
      return (viaGateway.latency().p50Nanos() - direct.latency().p50Nanos()) / 1e3;
    }
  }

  /**
   * @param inFlightAtKill requests the gateway had in flight on the replica just before the kill
   * @param millisToMove from the kill until the gateway showed the replica unhealthy or its
   *     circuit open
   */
  public record Kill(int clients, int inFlightAtKill, double millisToMove, LoadResult load) {}

  @JsonProperty("targets")
  public List<TargetCheck> targets() {
    List<TargetCheck> checks = new ArrayList<>();
    Overhead lowest = overhead.get(0);
    checks.add(new TargetCheck("gateway p50 overhead, " + lowest.clients() + " client(s)",
        format("%.0f µs", lowest.p50OverheadMicros()), format("< %.0f µs", OVERHEAD_GOAL_MICROS),
        lowest.p50OverheadMicros() < OVERHEAD_GOAL_MICROS));
    checks.add(new TargetCheck("failed requests when 1 of 3 replicas is killed",
        format("%d (in flight on it: %d)", kill.load().errorCount(), kill.inFlightAtKill()),
        "<= in flight", kill.load().errorCount() <= kill.inFlightAtKill()));
    checks.add(new TargetCheck("time until traffic avoids the killed replica",
        format("%.0f ms", kill.millisToMove()), format("< %.0f ms", MOVE_GOAL_MILLIS),
        kill.millisToMove() < MOVE_GOAL_MILLIS));
    return checks;
  }

  @Override
  public String toMarkdown() {
    StringBuilder md = new StringBuilder(ReportFormat.environmentLine(environment))
        .append(format("%n**Gateway overhead** (1-row JSON, one replica, direct vs through a "
            + "gateway in front of it)%n%n"))
        .append("| clients | direct p50 ms | gateway p50 ms | direct p99 ms | gateway p99 ms |"
            + " added p50 µs | gateway CPU µs/request | direct req/s | gateway req/s |\n")
        .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Overhead o : overhead) {
      md.append(format("| %d | %.3f | %.3f | %.3f | %.3f | %.0f | %.0f | %.0f | %.0f |%n",
          o.clients(),
          millis(o.direct().latency().p50Nanos()), millis(o.viaGateway().latency().p50Nanos()),
          millis(o.direct().latency().p99Nanos()), millis(o.viaGateway().latency().p99Nanos()),
          o.p50OverheadMicros(), o.gatewayCpuMicrosPerRequest(), o.direct().requestsPerSecond(),
          o.viaGateway().requestsPerSecond()));
    }
    LoadResult load = kill.load();
    md.append(format("%n**One of three replicas killed (SIGKILL) under load** (%d clients, "
            + "%.0f s)%n%n", kill.clients(), load.measuredSeconds()))
        .append("| requests | failed | in flight on it at the kill | out of rotation after ms |"
            + " p99 ms | max ms |\n|---:|---:|---:|---:|---:|---:|\n")
        .append(format("| %,d | %d | %d | %.0f | %.3f | %.3f |%n", load.requests(),
            load.errorCount(), kill.inFlightAtKill(), kill.millisToMove(),
            millis(load.latency().p99Nanos()), millis(load.latency().maxNanos())));
    if (load.firstError() != null) {
      md.append(format("%nFirst error: %s%n", load.firstError()));
    }
    return md.append(ReportFormat.targetTable(targets())).toString();
  }

  @Override
  public void write(Path json, Path markdown) {
    ReportFormat.write(json, ReportFormat.json(this), markdown, toMarkdown());
  }
}
