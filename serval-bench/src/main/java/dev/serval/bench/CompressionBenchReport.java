package dev.serval.bench;

import static dev.serval.bench.ReportFormat.format;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the compression benchmark measured: size, top-1 and interleaved speed of each compressed
 * model, the accuracy gate's choice for structured pruning, and the targets.
 *
 * @param environment the machine and JVM
 * @param cpu the CPU's SIMD features that decide int8 speed
 * @param loadBefore {@code /proc/loadavg} when the run started
 * @param loadAfter {@code /proc/loadavg} when it ended
 * @param rounds interleaved rounds per model
 * @param runsPerRound runs per round
 * @param models every compressed model, in the order measured
 * @param gate what {@code --max-accuracy-drop} found for structured pruning of the wide MLP
 * @param fineTunedGate the same with fine-tuning of every candidate
 */
public record CompressionBenchReport(Environment environment, String cpu, String loadBefore,
    String loadAfter, int rounds, int runsPerRound, List<CompressedModel> models, String gate,
    String fineTunedGate) implements BenchmarkOutput {

  /** Issue 5's int8 size target: at most this share of the float32 file. */
  public static final double INT8_SIZE = 0.3;
  /** Issue 5's int8 accuracy target: at most this many top-1 points lost. */
  public static final double INT8_DROP = 0.5;
  /** Issue 5's int8-dynamic speed target on the large MLP at batch 64. */
  public static final double INT8_SPEEDUP = 1.7;
  /** Issue 5's pruning + low-rank speed target at batch 64, checked on every pruned model. */
  public static final double PRUNE_SPEEDUP = 1.5;
  /** Issue 5's pruning + low-rank accuracy target. */
  public static final double PRUNE_DROP = 1.0;

  public CompressionBenchReport {
    models = List.copyOf(models);
  }

  public String toJson() {
    return ReportFormat.json(this);
  }

  @Override
  public void write(Path json, Path markdown) {
    ReportFormat.write(json, toJson(), markdown, toMarkdown());
  }

  /** The targets, checked on the models they are about. */
  public List<TargetCheck> targets() {
    List<TargetCheck> checks = new ArrayList<>();
    for (CompressedModel m : models) {
      boolean trained = !Double.isNaN(m.originalTop1());
      if (m.method().startsWith("int8") && trained) {
        checks.add(new TargetCheck(m.model() + ", " + m.method() + ": file",
            format("%.3fx", m.sizeRatio()), format("<= %.1fx", INT8_SIZE),
            m.sizeRatio() <= INT8_SIZE));
        checks.add(new TargetCheck(m.model() + ", " + m.method() + ": top-1 drop",
            format("%.2f points", m.top1Drop()), format("<= %.1f", INT8_DROP),
            m.top1Drop() <= INT8_DROP));
      } else if (m.method().startsWith("int8")) {
        checks.add(new TargetCheck(m.model() + ", " + m.method() + ": rows/s at batch "
            + m.batch(), format("%.2fx", m.speedup()), format(">= %.1fx", INT8_SPEEDUP),
            m.speedup() >= INT8_SPEEDUP));
      } else if (m.method().startsWith("prune")) {
        checks.add(new TargetCheck(m.model() + ", " + m.method() + ": rows/s at batch "
            + m.batch() + ", top-1 drop", format("%.2fx, %.2f points", m.speedup(),
            m.top1Drop()), format(">= %.1fx, <= %.0f", PRUNE_SPEEDUP, PRUNE_DROP),
            m.speedup() >= PRUNE_SPEEDUP && m.top1Drop() <= PRUNE_DROP));
      }
    }
    return checks;
  }

  @Override
  public String toMarkdown() {
    StringBuilder md = new StringBuilder(ReportFormat.environmentLine(environment));
    md.append(format("CPU: %s. Load average before: %s; after: %s.%n", cpu, loadBefore,
        loadAfter));
    md.append(format("Speed: one intra-op thread, %d interleaved rounds of %d runs per model,"
        + " medians.%n%n", rounds, runsPerRound));
    md.append("| model | method | file | top-1 fp32 | top-1 | drop | batch | fp32 ms | ms"
        + " | rows/s vs fp32 |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (CompressedModel m : models) {
      md.append(format("| %s | %s | %.3fx | %s | %s | %s | %d | %.3f | %.3f | %.2fx |%n",
          m.model(), m.method(), m.sizeRatio(), percent(m.originalTop1()),
          percent(m.compressedTop1()), Double.isNaN(m.top1Drop()) ? "-"
              : format("%.2f", m.top1Drop()), m.batch(), m.originalMillis(),
          m.compressedMillis(), m.speedup()));
    }
    md.append(format("%nAccuracy gate, structured pruning with --max-accuracy-drop %.0f: %s%n",
        PRUNE_DROP, gate));
    md.append(format("%nThe same with --fine-tune (the training rows): %s%n", fineTunedGate));
    md.append(ReportFormat.targetTable(targets()));
    return md.toString();
  }

  private static String percent(double value) {
    return Double.isNaN(value) ? "-" : format("%.2f", value);
  }
}
