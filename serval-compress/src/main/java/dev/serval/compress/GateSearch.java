package dev.serval.compress;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.serval.compress.internal.Evaluator;
import dev.serval.compress.internal.ModelFiles;
import dev.serval.compress.internal.ModelProbe;
import dev.serval.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run of the accuracy gate: compresses the input with each candidate setting into a work
 * folder beside the output, scores and times the candidates, and moves the best one within the
 * tolerance to the output. When the requested settings fall outside the tolerance, the layers
 * whose exclusion helps most are left alone, one more at a time.
 */
final class GateSearch {
  /** Most layers left alone before the gate gives up on excluding more. */
  private static final int MAX_EXCLUDED = 4;
  private static final double SIZE_TIE = 0.02;
  private static final double SPEED_TIE = 0.05;

  private final Compressor compressor;
  private final Compressor quiet;
  private final AccuracyGate gate;
  private final Path source;
  /** The input, read once for all candidates ({@code original} is it loaded in the runtime). */
  private final ModelProto model;
  private final WorkFolder work;
  private final Evaluator evaluator;
  private final ModelProbe original;
  private final double baseline;
  private final List<Candidate> candidates = new ArrayList<>();
  private final Map<Integer, CompressionReport> reports = new LinkedHashMap<>();
  /** The original's speed timed together with each timed candidate, by candidate index. */
  private final Map<Integer, List<Throughput>> originalSpeeds = new LinkedHashMap<>();

  private GateSearch(Compressor compressor, AccuracyGate gate, Path source, WorkFolder work,
      ModelProbe original) {
    this.compressor = compressor;
    this.quiet = compressor.withoutTiming();
    this.gate = gate;
    this.source = source;
    this.work = work;
    this.original = original;
    this.evaluator = new Evaluator(gate.data(), gate.metric(), original);
    this.baseline = evaluator.baseline();
    // read after loading and scoring the original, so a broken input fails there first
    this.model = ModelFiles.read(source);
  }

  static GateReport run(Compressor compressor, AccuracyGate gate, Path input, Path output,
      CompressionOptions options) {
    Path target = output.toAbsolutePath().normalize();
    Path source = input.toAbsolutePath().normalize();
    Compressor.requireWritable(source, target);
    try (WorkFolder work = WorkFolder.create(target.getParent(), "." + target.getFileName()
            + ".gate");
        ModelProbe original = new ModelProbe(compressor.backend(), source, compressor.threads())) {
      return new GateSearch(compressor, gate, source, work, original).search(target, options);
    }
  }

  private GateReport search(Path target, CompressionOptions requested) {
    for (CompressionOptions variant : gate.search() ? Variants.of(requested)
        : List.of(requested)) {
      tryCandidate(variant);
    }
    if (gate.search() && !withinTolerance(candidates.get(0))) {
      excludeSensitiveLayers(requested, reports.get(0));
    }
    int best = best();
    if (best < 0) {
      return new GateReport(gate.metric(), gate.maxWorsening(), gate.data().rows(), baseline,
          summary(originalSpeeds.keySet().stream().findFirst().orElse(-1)), candidates, null,
          conclusion(-1));
    }
    candidates.set(best, candidates.get(best).asPicked());
    Path file = candidateFile(best);
    try {
      Compressor.move(file, target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
    return new GateReport(gate.metric(), gate.maxWorsening(), gate.data().rows(), baseline,
        summary(best), candidates, timed(reports.get(best), target, best), conclusion(best));
  }

  /**
   * Leaves alone, one at a time, each layer the requested settings changed; then the ones whose
   * exclusion helped most, two, three ... at a time.
   */
  private void excludeSensitiveLayers(CompressionOptions requested, CompressionReport first) {
    Map<String, Double> gain = new LinkedHashMap<>();
    List<String> layers = first.nodes().stream()
        .filter(NodeDecision::changed).map(NodeDecision::node).toList();
    for (String layer : layers.size() > 1 ? layers : List.<String>of()) {
      Candidate tried = tryCandidate(excluding(requested, List.of(layer)));
      gain.put(layer, Double.isNaN(tried.score()) ? Double.NEGATIVE_INFINITY
          : candidates.get(0).worsening() - tried.worsening());
    }
    List<String> ranked = gain.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .map(Map.Entry::getKey).toList();
    for (int count = 2; count <= Math.min(MAX_EXCLUDED, layers.size() - 1); count++) {
      tryCandidate(excluding(requested, ranked.subList(0, count)));
    }
  }

  private static CompressionOptions excluding(CompressionOptions options, List<String> layers) {
    List<String> excluded = new ArrayList<>(options.excludedNodes());
    excluded.addAll(layers);
    return CompressionOptions.Builder.from(options).exclude(excluded).build();
  }

  private Candidate tryCandidate(CompressionOptions options) {
    int index = candidates.size();
    String settings = Compressor.settings(options);
    Path file = candidateFile(index);
    CompressionReport report;
    try {
      report = quiet.compress(source, file, model, original, options);
    } catch (InvalidInputException e) {
      if (index == 0) {
        throw e; // the requested settings themselves do not apply to this model
      }
      return add(new Candidate(settings, 0, List.of(), Double.NaN, Double.NaN, Double.NaN, false,
          false, "not made: " + e.getMessage()));
    }
    reports.put(index, report);
    try (ModelProbe probe = new ModelProbe(compressor.backend(), file, compressor.threads())) {
      return add(judge(index, settings, report.result().fileBytes(), probe));
    }
  }

  /** Scores candidate {@code index} and, when within the tolerance, times it. */
  private Candidate judge(int index, String settings, long bytes, ModelProbe probe) {
    double score = evaluator.score(probe);
    double worsening = gate.metric().worsening(baseline, score);
    if (!withinTolerance(worsening)) {
      return new Candidate(settings, bytes, List.of(), Double.NaN, score, worsening, false,
          false, String.format(Locale.ROOT, "%s %.4g%s, more than the %.4g allowed",
              gate.metric().cliName(), worsening, unit(), gate.maxWorsening()));
    }
    Compressor.Speeds speeds = compressor.time(original, probe);
    originalSpeeds.put(index, speeds.original());
    double speedup = speeds.result().isEmpty() ? Double.NaN
        : last(speeds.result()).rowsPerSecond() / last(speeds.original()).rowsPerSecond();
    boolean slower = speedup < 1;
    return new Candidate(settings, bytes, speeds.result(), speedup, score, worsening, slower,
        false, slower ? slowerVerdict(speeds) : "within the tolerance");
  }

  private static Throughput last(List<Throughput> speed) {
    return speed.get(speed.size() - 1);
  }

  private String slowerVerdict(Compressor.Speeds speeds) {
    Throughput fp32 = last(speeds.original());
    Throughput own = last(speeds.result());
    return String.format(Locale.ROOT, "within the tolerance but slower than the original at batch"
        + " %d on this CPU (%.0f vs %.0f rows/s; %s)%s", own.batch(), own.rowsPerSecond(),
        fp32.rowsPerSecond(), compressor.cpu(),
        gate.allowSlower() ? "" : ": not picked without --allow-slower");
  }

  private Candidate add(Candidate candidate) {
    candidates.add(candidate);
    return candidate;
  }

  private boolean withinTolerance(Candidate c) {
    return withinTolerance(c.worsening());
  }

  /** False for NaN: a candidate that could not be scored is never within the tolerance. */
  private boolean withinTolerance(double worsening) {
    return worsening <= gate.maxWorsening() + 1e-9;
  }

  private boolean acceptable(Candidate c) {
    return withinTolerance(c) && (gate.allowSlower() || !c.slower());
  }

  /** The index of the best acceptable candidate, or -1. */
  private int best() {
    int best = -1;
    for (int i = 0; i < candidates.size(); i++) {
      if (acceptable(candidates.get(i))
          && (best < 0 || better(candidates.get(i), candidates.get(best)))) {
        best = i;
      }
    }
    return best;
  }

  private boolean better(Candidate a, Candidate b) {
    double size = (double) a.fileBytes() / b.fileBytes();
    // each speed-up was timed against the original in its own rounds, so they compare under load
    double speed = Double.isNaN(a.speedup()) || Double.isNaN(b.speedup()) ? 1
        : a.speedup() / b.speedup();
    if (gate.objective() == AccuracyGate.Objective.SIZE) {
      return Math.abs(size - 1) <= SIZE_TIE ? speed > 1 : size < 1;
    }
    return Math.abs(speed - 1) <= SPEED_TIE ? size < 1 : speed > 1;
  }

  private String conclusion(int best) {
    if (best >= 0) {
      Candidate c = candidates.get(best);
      return String.format(Locale.ROOT, "picked %s: %s %.4g (%.4g%s worse than the original's"
          + " %.4g), %.2fx smaller", c.settings(), gate.metric().cliName(), c.score(),
          c.worsening(), unit(), baseline, (double) originalBytes() / c.fileBytes());
    }
    return String.format(Locale.ROOT, "no candidate is within %.4g%s of the original's %s %.4g%s;"
        + " no output was written", gate.maxWorsening(), unit(), gate.metric().cliName(),
        baseline, candidates.stream().anyMatch(this::withinTolerance)
            ? " at least as fast as the original (--allow-slower picks a slower one)" : "");
  }

  private String unit() {
    return gate.metric().unit().isEmpty() ? "" : " " + gate.metric().unit();
  }

  /** The original's file size, known from the first candidate, which always exists. */
  private long originalBytes() {
    return reports.get(0).original().fileBytes();
  }

  /**
   * The original's size and its speed as timed with candidate {@code index} (none when that is
   * -1: no candidate was timed).
   */
  private ModelSummary summary(int index) {
    ModelSummary original = reports.get(0).original();
    return new ModelSummary(original.fileBytes(), original.parameters(),
        originalSpeeds.getOrDefault(index, List.of()));
  }

  /** The picked candidate's report, with the speeds measured here and the final output. */
  private CompressionReport timed(CompressionReport r, Path target, int picked) {
    List<Throughput> speed = candidates.get(picked).throughput();
    List<Throughput> originalSpeed = originalSpeeds.getOrDefault(picked, List.of());
    return new CompressionReport(r.method(), r.settings(), r.input(), target.toString(), r.cpu(),
        r.threads(), summary(picked), new ModelSummary(r.result().fileBytes(),
            r.result().parameters(), speed),
        r.agreement(), r.nodes(),
        Compressor.notes(r.method(), originalSpeed, speed, r.cpu()), r.fineTuning());
  }

  private Path candidateFile(int index) {
    return work.resolve("candidate-" + index + ".onnx");
  }
}
