package dev.serval.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.compress.AccuracyGate;
import dev.serval.compress.BenchmarkSettings;
import dev.serval.compress.CalibrationMethod;
import dev.serval.compress.CompressionOptions;
import dev.serval.compress.CompressionOptions.Int8Kernels;
import dev.serval.compress.CompressionReport;
import dev.serval.compress.Compressor;
import dev.serval.compress.EvaluationData;
import dev.serval.compress.GateReport;
import dev.serval.compress.Method;
import dev.serval.compress.Metric;
import dev.serval.server.management.ManagementApi;
import dev.serval.train.data.Dataset;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code serval compress}: one ONNX file into a smaller or faster one, with a report. */
@Command(
    name = "compress",
    mixinStandardHelpOptions = true,
    description = {
      "Compress an ONNX model file: int8-dynamic, int8-static, weight-only, prune, low-rank or"
          + " weight-sharing. Prints a report of size, parameters, speed at batch 1 and 64 and"
          + " output differences; the input is never changed and OUTPUT appears only complete.",
      "With --model NAME:VERSION the server compresses a registered version and pushes the"
          + " result as the next version of NAME, with lineage and the report.",
      "With --eval the report adds top-1 accuracy (or --metric) before and after; with"
          + " --max-accuracy-drop other settings are tried and the best model within the"
          + " tolerance is kept. Exits with 1 when none is.",
      "With --fine-tune (prune, low-rank) the compressed model is trained further"
          + " on labelled rows and on the original model's outputs; every model the gate tries"
          + " is fine-tuned too."
    })
final class CompressCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "INPUT",
      description = "The .onnx model to compress (or --model).")
  Path input;

  @Option(names = "--model", paramLabel = "NAME:VERSION",
      description = "Compress this registered version (or alias) on the server instead of a file.")
  String model;

  @Option(names = "--server", paramLabel = "URL",
      defaultValue = "${env:SERVAL_SERVER:-http://127.0.0.1:8000}",
      description = "With --model: the server (default: $SERVAL_SERVER or http://127.0.0.1:8000).")
  String server;

  @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:SERVAL_API_KEY}",
      description = "With --model: API key for a server started with --auth.")
  String apiKey;

  @Option(names = "--eval", paramLabel = "FILE",
      description = "Labelled evaluation rows: CSV (label last), JSON [{\"features\": [...],"
          + " \"label\": 3}] or a features .npy with --eval-labels.")
  Path eval;

  @Option(names = "--eval-labels", paramLabel = "FILE",
      description = "The labels .npy for a features .npy given with --eval.")
  Path evalLabels;

  @Option(names = "--metric", paramLabel = "M", defaultValue = "top1",
      description = "With --eval: top1, agreement (same top class as the original) or"
          + " max-abs-error (largest output difference). Default: top1.")
  String metric;

  @Option(names = "--max-accuracy-drop", paramLabel = "X",
      description = "With --eval: search for the best model whose metric is at most X worse"
          + " (points for top1 and agreement, output units for max-abs-error).")
  Double maxAccuracyDrop;

  @Option(names = "--prefer", paramLabel = "size|speed", defaultValue = "size",
      description = "What the search picks among models within the tolerance. Default: size.")
  String prefer;

  @Option(names = "--allow-slower",
      description = "Let the search pick a model slower than the original (for its size).")
  boolean allowSlower;

  @Option(names = "--exclude", paramLabel = "NODE", split = ",",
      description = "Nodes to leave alone (names as in the report).")
  List<String> exclude = new ArrayList<>();

  @Option(names = "--method", required = true, paramLabel = "METHOD",
      description = "int8-dynamic, int8-static, weight-only, prune, low-rank or weight-sharing.")
  String method;

  @Option(names = "--output", paramLabel = "FILE",
      description = "The compressed .onnx file to write (not with --model).")
  Path output;

  @Option(names = "--overwrite", description = "Replace OUTPUT if it exists.")
  boolean overwrite;

  @Option(names = "--per-tensor",
      description = "int8: one scale per weight tensor (default: one per output channel).")
  boolean perTensor;

  @Option(names = "--asymmetric",
      description = "int8 and 4-bit: weights over their [min, max] with a zero point"
          + " (default: symmetric around zero).")
  boolean asymmetric;

  @Option(names = "--kernels", paramLabel = "KIND", defaultValue = "contrib",
      description = "int8-dynamic operators: contrib (ONNX Runtime's DynamicQuantizeMatMul for"
          + " MatMul/Gemm, float Conv over int8 weights; fastest) or standard (MatMulInteger,"
          + " ConvInteger). Default: contrib.")
  Int8Kernels kernels;

  @Option(names = "--calibration", paramLabel = "FILE",
      description = "int8-static: input rows as a float .npy array or JSON rows.")
  Path calibration;

  @Option(names = "--calibration-method", paramLabel = "M", defaultValue = "minmax",
      description = "int8-static: minmax, percentile or entropy. Default: minmax.")
  String calibrationMethod;

  @Option(names = "--percentile", defaultValue = "99.99",
      description = "int8-static with percentile: the percentile of |activation| kept.")
  double percentile;

  @Option(names = "--bits", defaultValue = "4",
      description = "weight-only: 4 (MatMulNBits blocks) or 8 (int8). Default: 4.")
  int bits;

  @Option(names = "--block-size", defaultValue = "32",
      description = "weight-only 4-bit: weights per scale along K. Default: 32.")
  int blockSize;

  @Option(names = "--sparsity", defaultValue = "0.5",
      description = "prune: share of weights (or neurons/channels) removed. Default: 0.5.")
  double sparsity;

  @Option(names = "--structured",
      description = "prune: remove whole neurons and channels so the matrices shrink.")
  boolean structured;

  @Option(names = "--rank", defaultValue = "0",
      description = "low-rank: the rank to keep (default: chosen by --energy).")
  int rank;

  @Option(names = "--energy", defaultValue = "0.9",
      description = "low-rank: share of squared singular values kept. Default: 0.9.")
  double energy;

  @Option(names = "--cluster-bits", defaultValue = "8",
      description = "weight-sharing: codebook of 2^k values, k from 1 to 8. Default: 8.")
  int clusterBits;

  @Option(names = "--seed", defaultValue = "1", description = "weight-sharing: k-means seed.")
  long seed;

  @Option(names = "--fine-tune", paramLabel = "FILE",
      description = "prune and low-rank: train the compressed model further on"
          + " these labelled rows (as --eval reads them; a features .npy with"
          + " --fine-tune-labels), learning from the labels and the original model's outputs.")
  Path fineTune;

  @Option(names = "--fine-tune-labels", paramLabel = "FILE",
      description = "The labels .npy for a features .npy given with --fine-tune.")
  Path fineTuneLabels;

  @Option(names = "--fine-tune-epochs", defaultValue = "10",
      description = "With --fine-tune: the most epochs; the best on held-out rows is kept."
          + " Default: 10.")
  int fineTuneEpochs;

  @Option(names = "--fine-tune-seed", defaultValue = "1",
      description = "With --fine-tune: seed of the held-out rows and the batch order. Default: 1.")
  long fineTuneSeed;

  @Option(names = "--threads", defaultValue = "1",
      description = "ONNX Runtime threads for the speed measurement (0 = all cores). Default: 1.")
  int threads;

  @Option(names = "--bench-seconds", defaultValue = "2",
      description = "Seconds of timing per model and batch size; 0 skips timing. Default: 2.")
  double benchSeconds;

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the report as JSON.")
  Path report;

  @Option(names = "--json", description = "Print the report as JSON instead of text.")
  boolean json;

  @Override
  public Integer call() {
    if ((input == null) == (model == null)) {
      throw new UsageException("give either INPUT (a file) or --model NAME:VERSION");
    }
    if (evalLabels != null && eval == null) {
      throw new UsageException("--eval-labels needs --eval FILE (the features .npy)");
    }
    if (maxAccuracyDrop != null && eval == null) {
      throw new UsageException("--max-accuracy-drop needs labelled rows: --eval FILE");
    }
    CompressionOptions options;
    BenchmarkSettings benchmark;
    Optional<AccuracyGate> gate;
    try {
      options = options();
      benchmark = BenchmarkSettings.of(benchSeconds, threads);
      gate = gate();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    return model != null ? compressRegistered(gate)
        : compressFile(Compressor.builder().benchmark(benchmark).progress(line -> {
          err.println(line);
          err.flush();
        }).build(), options, gate);
  }

  private int compressFile(Compressor compressor, CompressionOptions options,
      Optional<AccuracyGate> gate) {
    if (output == null) {
      throw new UsageException("--output FILE is required when compressing a file");
    }
    if (!overwrite && Files.exists(output)) {
      throw new UsageException("--output " + output + " exists; add --overwrite to replace it");
    }
    if (gate.isEmpty()) {
      CompressionReport result = compressor.compress(input, output, options);
      return print(result.toJson(), result.toText(), 0);
    }
    GateReport result = compressor.compress(input, output, options, gate.get());
    return print(result.toJson(), result.toText(), result.passed() ? 0 : ErrorHandler.FAILURE);
  }

  /** Sends the options to the server, which compresses, validates and registers the result. */
  private int compressRegistered(Optional<AccuracyGate> gate) {
    int colon = model.lastIndexOf(':');
    if (colon < 1 || colon == model.length() - 1) {
      throw new UsageException("--model must be NAME:VERSION (or NAME:ALIAS) but was '" + model
          + "'");
    }
    if (output != null) {
      throw new UsageException("--output is for files; with --model the result becomes the"
          + " next version of " + model.substring(0, colon));
    }
    Map<String, Object> request = request();
    gate.ifPresent(g -> request.put("eval", evalRows(g.data())));
    if (fineTune != null) {
      request.put("fine_tune", evalRows(fineTuneLabels == null ? EvaluationData.read(fineTune)
          : EvaluationData.read(fineTune, fineTuneLabels)));
      request.put("fine_tune_epochs", fineTuneEpochs);
      request.put("fine_tune_seed", fineTuneSeed);
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println("Compressing " + model + " on " + server + " ...");
    err.flush();
    JsonNode answer = new ServalClient(server, apiKey).postJson(ManagementApi.PREFIX + "/"
        + ServalClient.segment(model.substring(0, colon)) + "/versions/"
        + ServalClient.segment(model.substring(colon + 1)) + "/compress", request);
    JsonNode version = answer.path("version");
    String text = answer.path("text").asText() + (version.isObject()
        ? String.format(Locale.ROOT, "registered %s v%d: %s%n", version.path("model").asText(),
            version.path("version").asInt(), version.path("state").asText()) : "");
    boolean ready = version.isObject() && "READY".equals(version.path("state").asText());
    return print(ServalClient.pretty(answer), text, ready ? 0 : ErrorHandler.FAILURE);
  }

  /** The request body: every compression option, as the command line set or defaulted it. */
  private Map<String, Object> request() {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("method", method);
    request.put("per_tensor", perTensor);
    request.put("asymmetric", asymmetric);
    request.put("kernels", kernels.name());
    if (calibration != null) {
      request.put("calibration", calibrationJson());
    }
    request.put("calibration_method", calibrationMethod);
    request.put("percentile", percentile);
    request.put("bits", bits);
    request.put("block_size", blockSize);
    request.put("sparsity", sparsity);
    request.put("structured", structured);
    request.put("rank", rank);
    request.put("energy", energy);
    request.put("cluster_bits", clusterBits);
    request.put("seed", seed);
    request.put("exclude", exclude);
    request.put("metric", metric);
    request.put("max_accuracy_drop", maxAccuracyDrop);
    request.put("prefer", prefer);
    request.put("allow_slower", allowSlower);
    request.put("bench_seconds", benchSeconds);
    request.put("threads", threads);
    return request;
  }

  /** Calibration rows for the server: JSON as it is (a .npy is read on the server's side only). */
  private JsonNode calibrationJson() {
    try {
      return new ObjectMapper().readTree(calibration.toFile());
    } catch (IOException e) {
      throw new UsageException("with --model, --calibration must be JSON rows ([[...], ...] or"
          + " {\"<input>\": [[...], ...]}); " + calibration + " is not: " + e.getMessage());
    }
  }

  private static Map<String, Object> evalRows(Dataset data) {
    List<float[]> rows = new ArrayList<>();
    int[] labels = new int[data.rows()];
    for (int r = 0; r < data.rows(); r++) {
      float[] row = new float[data.featureCount()];
      for (int c = 0; c < row.length; c++) {
        row[c] = data.feature(r, c);
      }
      rows.add(row);
      labels[r] = data.label(r);
    }
    return Map.of("features", rows, "labels", labels);
  }

  private Optional<AccuracyGate> gate() {
    if (eval == null) {
      return Optional.empty();
    }
    Dataset data = evalLabels == null ? EvaluationData.read(eval)
        : EvaluationData.read(eval, evalLabels);
    Metric scored = Metric.fromName(metric);
    AccuracyGate gate = maxAccuracyDrop == null ? AccuracyGate.report(data, scored)
        : AccuracyGate.within(data, scored, maxAccuracyDrop);
    return Optional.of(gate.prefer(AccuracyGate.Objective.valueOf(
        prefer.toUpperCase(Locale.ROOT))).allowingSlower(gate.allowSlower() || allowSlower));
  }

  private int print(String jsonText, String text, int exitCode) {
    if (report != null) {
      writeReport(jsonText);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? jsonText + "\n" : text);
    out.flush();
    return exitCode;
  }

  private CompressionOptions options() {
    return CompressionOptions.builder(Method.fromName(method))
        .perChannel(!perTensor)
        .symmetric(!asymmetric)
        .kernels(kernels)
        .calibration(calibration)
        .calibrationMethod(CalibrationMethod.fromName(calibrationMethod))
        .percentile(percentile)
        .bits(bits)
        .blockSize(blockSize)
        .sparsity(sparsity)
        .structured(structured)
        .rank(rank)
        .energy(energy)
        .clusterBits(clusterBits)
        .seed(seed)
        .exclude(exclude)
        .fineTune(fineTune)
        .fineTuneLabels(fineTuneLabels)
        .fineTuneEpochs(fineTuneEpochs)
        .fineTuneSeed(fineTuneSeed)
        .build();
  }

  private void writeReport(String jsonText) {
    try {
      Files.writeString(report, jsonText);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write --report " + report + ": " + e.getMessage(), e);
    }
  }
}
