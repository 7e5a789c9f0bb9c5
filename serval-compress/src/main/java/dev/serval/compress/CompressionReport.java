package dev.serval.compress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of one compression: sizes, parameter counts and measured speed of the original and
 * the result, how far their outputs are apart, and what happened to each node the method looked
 * at.
 *
 * @param method the method used
 * @param settings the method's settings, as readable text
 * @param input the original model file
 * @param output the written model file
 * @param cpu the CPU's SIMD features relevant to int8 speed
 * @param threads intra-op threads used for the speed measurement
 * @param original the input model
 * @param result the compressed model
 * @param agreement per output, the largest difference between the models on the same inputs
 * @param nodes what the method did to each node it considered
 * @param notes observations a user should read, such as int8 running slower than float here
 * @param fineTuning what training the compressed model afterwards did, or null when it was not
 */
public record CompressionReport(
    Method method,
    String settings,
    String input,
    String output,
    String cpu,
    int threads,
    ModelSummary original,
    ModelSummary result,
    List<OutputAgreement> agreement,
    List<NodeDecision> nodes,
    List<String> notes,
    FineTuningReport fineTuning) {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public CompressionReport {
    agreement = List.copyOf(agreement);
    nodes = List.copyOf(nodes);
    notes = List.copyOf(notes);
  }

  /** Nodes the method rewrote. */
  public long changedNodes() {
    return nodes.stream().filter(NodeDecision::changed).count();
  }

  /** The original's file size over the result's. */
  public double sizeRatio() {
    return (double) original.fileBytes() / result.fileBytes();
  }

  /** The result's rows per second over the original's, at the i-th measured batch size. */
  public double speedup(int index) {
    return result.throughput().get(index).rowsPerSecond()
        / original.throughput().get(index).rowsPerSecond();
  }

  /** The report as indented JSON, with the derived size ratio and speedups. */
  public String toJson() {
    ObjectNode root = MAPPER.valueToTree(this);
    root.put("method", method.cliName());
    root.put("sizeRatio", round(sizeRatio()));
    ObjectNode speedups = root.putObject("speedup");
    for (int i = 0; i < result.throughput().size(); i++) {
      speedups.put("batch" + result.throughput().get(i).batch(), round(speedup(i)));
    }
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write the report as JSON", e);
    }
  }

  /** The report for people: a summary table, then nodes and notes. */
  public String toText() {
    StringBuilder text = new StringBuilder();
    line(text, "%s: %s -> %s (%s)", method.cliName(), input, output, settings);
    line(text, "%-22s %14s %14s %8s", "", "original", "compressed", "ratio");
    line(text, "%-22s %14d %14d %7.2fx", "file bytes", original.fileBytes(), result.fileBytes(),
        sizeRatio());
    line(text, "%-22s %14d %14d %7.2fx", "parameters", original.parameters(),
        result.parameters(), (double) original.parameters() / result.parameters());
    for (int i = 0; i < result.throughput().size(); i++) {
      Throughput before = original.throughput().get(i);
      Throughput after = result.throughput().get(i);
      line(text, "%-22s %14.3f %14.3f", "batch " + before.batch() + " median ms",
          before.medianMillis(), after.medianMillis());
      line(text, "%-22s %14.0f %14.0f %7.2fx", "batch " + before.batch() + " rows/s",
          before.rowsPerSecond(), after.rowsPerSecond(), speedup(i));
    }
    if (!result.throughput().isEmpty()) {
      line(text, "measured with %d intra-op thread(s) on a CPU with %s", threads, cpu);
    }
    if (fineTuning != null) {
      line(text, "fine-tuned on %d of %d rows of %s for up to %d epochs, kept epoch %d: top-1 on"
          + " the %d held-out rows %.2f%% -> %.2f%%", fineTuning.trainingRows(),
          fineTuning.rows(), fineTuning.data(), fineTuning.epochs(), fineTuning.bestEpoch(),
          fineTuning.heldOutRows(), fineTuning.top1Before(), fineTuning.top1After());
    }
    agreement.forEach(a -> line(text, "output %s: max |difference| %.3g (max |value| %.3g)",
        a.output(), a.maxAbsDifference(), a.maxAbsOriginal()));
    line(text, "nodes changed: %d of %d considered", changedNodes(), nodes.size());
    nodes.forEach(n -> line(text, "  %s %s (%s): %s", n.changed() ? "changed" : "kept   ",
        n.node(), n.opType(), n.detail()));
    notes.forEach(note -> line(text, "note: %s", note));
    return text.toString();
  }

  private static void line(StringBuilder text, String format, Object... args) {
    text.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
