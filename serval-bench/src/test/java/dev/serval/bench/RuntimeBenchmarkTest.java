package dev.serval.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.DataType;
import dev.serval.runtime.onnx.SampleModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real ONNX Runtime briefly: checks what is reported, never how fast. */
class RuntimeBenchmarkTest {
  @TempDir Path dir;

  @Test
  void reportsPositiveRowsForEachBatchSizeOfATinyModel() {
    Path model = dir.resolve("model.onnx");
    SampleModels.write(SampleModels.mlp(4, new int[] {8}, 2, 1), model);
    List<String> progress = new ArrayList<>();

    List<RuntimeResult> results = RuntimeBenchmark.builder(model)
        .batchSizes(1, 4)
        .instances(2)
        .warmup(Duration.ofMillis(20))
        .duration(Duration.ofMillis(150))
        .progress(progress::add)
        .build()
        .run();

    assertThat(results).extracting(RuntimeResult::batchSize).containsExactly(1, 4);
    for (RuntimeResult result : results) {
      assertThat(result.instances()).isEqualTo(2);
      assertThat(result.runs()).isPositive().isEqualTo(result.latency().count());
      assertThat(result.rowsPerSecond()).isEqualTo(result.runsPerSecond() * result.batchSize());
      assertThat(result.latency().p50Nanos()).isPositive()
          .isLessThanOrEqualTo(result.latency().p99Nanos());
    }
    assertThat(progress).anyMatch(line -> line.startsWith("runtime batch=4 instances=2 threads=1:"
        + " warmup"));
  }

  @Test
  void measuresAModelWithAFixedFirstDimensionOnlyAtThatSize() {
    Path model = dir.resolve("fixed.onnx");
    SampleModels.write(SampleModels.identity(DataType.FP32, 3, 2), model);

    List<RuntimeResult> results = RuntimeBenchmark.builder(model)
        .batchSizes(1, 8, 64)
        .warmup(Duration.ZERO)
        .duration(Duration.ofMillis(50))
        .build()
        .run();

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.batchSize()).isEqualTo(3);
      assertThat(r.runs()).isPositive();
    });
  }

  @Test
  void rejectsAMissingModelAndBadSettings() {
    assertThatThrownBy(() -> RuntimeBenchmark.builder(dir.resolve("absent.onnx")))
        .hasMessageContaining("absent.onnx");
    Path model = dir.resolve("model.onnx");
    SampleModels.write(SampleModels.identity(DataType.FP32, -1), model);
    RuntimeBenchmark.Builder builder = RuntimeBenchmark.builder(model);
    assertThatThrownBy(() -> builder.batchSizes()).hasMessageContaining("batchSizes");
    assertThatThrownBy(() -> builder.batchSizes(8, 0)).hasMessageContaining("[8, 0]");
    assertThatThrownBy(() -> builder.intraOpThreads(0)).hasMessageContaining("intraOpThreads");
  }
}
