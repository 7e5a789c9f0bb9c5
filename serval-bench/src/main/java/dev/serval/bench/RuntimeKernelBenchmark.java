package dev.serval.bench;

import dev.serval.bench.internal.SyntheticInputs;
import dev.serval.core.Tensor;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.RuntimeOptions;
import dev.serval.runtime.onnx.OnnxBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH version of {@link RuntimeBenchmark}'s kernel: one ONNX Runtime run of the benchmark MLP
 * through the runtime SPI. Multiply the reported ops/s by {@code batch} for rows/s. Run with the
 * JMH main class, e.g. {@code java -cp <classpath> org.openjdk.jmh.Main RuntimeKernelBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RuntimeKernelBenchmark {
  @Param({"1", "8", "64"})
  public int batch;

  @Param({"1", "2"})
  public int intraOpThreads;

  private Path modelFile;
  private LoadedModel model;
  private List<Tensor> inputs;

  @Setup(Level.Trial)
  public void load() throws IOException {
    modelFile = Files.createTempFile("serval-jmh-mlp", ".onnx");
    ServingBenchmark.writeDefaultModel(modelFile);
    model = new OnnxBackend().load(modelFile, RuntimeOptions.builder()
        .intraOpThreads(intraOpThreads)
        .interOpThreads(1)
        .build());
    inputs = SyntheticInputs.create(model.signature().inputs(), batch, 42);
  }

  @Benchmark
  public List<Tensor> run() {
    return model.run(inputs, Set.of());
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    model.close();
    Files.deleteIfExists(modelFile);
  }
}
