package dev.serval.server.cli;

import dev.serval.compress.BenchmarkSettings;
import dev.serval.compress.CalibrationMethod;
import dev.serval.compress.CompressionOptions;
import dev.serval.compress.CompressionOptions.Int8Kernels;
import dev.serval.compress.CompressionReport;
import dev.serval.compress.Compressor;
import dev.serval.compress.Method;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
          + " output differences; the input is never changed and OUTPUT appears only complete."
    })
final class CompressCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "INPUT", description = "The .onnx model to compress.")
  Path input;

  @Option(names = "--method", required = true, paramLabel = "METHOD",
      description = "int8-dynamic, int8-static, weight-only, prune, low-rank or weight-sharing.")
  String method;

  @Option(names = "--output", required = true, paramLabel = "FILE",
      description = "The compressed .onnx file to write.")
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
      description = "int8-dynamic MatMul/Gemm operators: contrib (ONNX Runtime's"
          + " DynamicQuantizeMatMul, fastest) or standard (MatMulInteger). Default: contrib.")
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
    if (!overwrite && Files.exists(output)) {
      throw new UsageException("--output " + output + " exists; add --overwrite to replace it");
    }
    CompressionOptions options;
    BenchmarkSettings benchmark;
    try {
      options = options();
      benchmark = benchSeconds == 0 ? BenchmarkSettings.none()
          : new BenchmarkSettings(List.of(1, 64),
              Duration.ofMillis(Math.round(benchSeconds * 1000)), 10, threads);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    CompressionReport result =
        Compressor.builder().benchmark(benchmark).build().compress(input, output, options);
    if (report != null) {
      writeReport(result);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? result.toJson() + "\n" : result.toText());
    out.flush();
    return 0;
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
        .build();
  }

  private void writeReport(CompressionReport result) {
    try {
      Files.writeString(report, result.toJson());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write --report " + report + ": " + e.getMessage(), e);
    }
  }
}
