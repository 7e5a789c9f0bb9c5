package dev.serval.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import dev.serval.train.MlpTrainer;
import dev.serval.train.TrainingOptions;
import dev.serval.train.data.Dataset;
import dev.serval.train.data.Datasets;
import dev.serval.train.data.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccuracyGateTest {
  @TempDir static Path models;
  static Path mlp;
  static Dataset test;

  @TempDir Path dir;

  @BeforeAll
  static void trainDigitsClassifier() {
    Split split = Datasets.digits().split(0.15, 0.15, 7);
    mlp = models.resolve("digits-mlp.onnx");
    MlpTrainer.builder().hidden(96, 64)
        .options(TrainingOptions.builder().epochs(20).seed(1).build())
        .build()
        .fit(split.train(), split.validation(), p -> { })
        .writeOnnx(mlp);
    test = split.test();
  }

  @Test
  void reportsTopOneBeforeAndAfterWithoutSearching() {
    GateReport report = Outputs.COMPRESSOR.compress(mlp, dir.resolve("int8.onnx"),
        CompressionOptions.builder(Method.INT8_DYNAMIC).build(),
        AccuracyGate.report(test, Metric.TOP1));

    assertThat(report.passed()).isTrue();
    assertThat(report.candidates()).singleElement().satisfies(c -> {
      assertThat(c.picked()).isTrue();
      assertThat(c.score()).isBetween(80.0, 100.0);
      assertThat(c.worsening()).isEqualTo(report.baseline() - c.score());
    });
    assertThat(report.baseline()).isGreaterThan(90);
    assertThat(report.result().output()).isEqualTo(dir.resolve("int8.onnx").toString());
    assertThat(dir.resolve("int8.onnx")).exists();
    assertThat(report.toText()).contains("top1 of the original on " + test.rows() + " rows");
  }

  @Test
  void picksTheSmallestCandidateWithinTheTolerance() throws Exception {
    GateReport report = Outputs.COMPRESSOR.compress(mlp, dir.resolve("pruned.onnx"),
        CompressionOptions.builder(Method.PRUNE).structured(true).sparsity(0.4).build(),
        AccuracyGate.within(test, Metric.TOP1, 7.0));

    assertThat(report.passed()).as(report.toText()).isTrue();
    Candidate picked = report.candidates().stream().filter(Candidate::picked).findFirst()
        .orElseThrow();
    assertThat(picked.worsening()).isLessThanOrEqualTo(7.0);
    assertThat(report.candidates().get(0).settings()).isEqualTo("structured, sparsity 0.4");
    assertThat(report.candidates()).filteredOn(c -> c.worsening() <= 7.0).hasSizeGreaterThan(1)
        .allMatch(c -> c.fileBytes() >= picked.fileBytes());
    assertThat(Files.size(dir.resolve("pruned.onnx"))).isEqualTo(picked.fileBytes());
  }

  @Test
  void saysWhenNoCandidateIsWithinTheToleranceAndWritesNothing() {
    Path out = dir.resolve("shared.onnx");
    GateReport report = Outputs.COMPRESSOR.compress(mlp, out,
        CompressionOptions.builder(Method.WEIGHT_SHARING).clusterBits(1).build(),
        AccuracyGate.within(test, Metric.MAX_ABS_ERROR, 0));

    assertThat(report.passed()).isFalse();
    assertThat(report.result()).isNull();
    assertThat(report.conclusion()).contains("no candidate is within 0", "no output was written");
    // after the cluster sizes, each layer was left alone in turn, then the two that helped most
    assertThat(report.candidates()).extracting(Candidate::settings)
        .anyMatch(s -> s.contains("excluding"));
    assertThat(report.candidates()).noneMatch(Candidate::picked);
    assertThat(out).doesNotExist();
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void doesNotPickAModelSlowerThanTheOriginalUnlessAllowed() {
    CompressionOptions int8 = CompressionOptions.builder(Method.INT8_DYNAMIC).build();
    AccuracyGate gate = AccuracyGate.within(test, Metric.TOP1, 100);

    GateReport refused = slowCandidates().compress(mlp, dir.resolve("a.onnx"), int8, gate);

    assertThat(refused.passed()).isFalse();
    assertThat(refused.candidates()).allMatch(Candidate::slower);
    assertThat(refused.conclusion()).contains("--allow-slower");
    assertThat(dir.resolve("a.onnx")).doesNotExist();

    GateReport allowed = slowCandidates().compress(mlp, dir.resolve("b.onnx"), int8,
        gate.allowingSlower(true));
    assertThat(allowed.passed()).isTrue();
    assertThat(allowed.result().notes()).anyMatch(n -> n.contains("slower than float32"));
  }

  /** A compressor whose clock makes every candidate's rounds slower than the original's. */
  private static Compressor slowCandidates() {
    return Compressor.builder().backend(Outputs.BACKEND)
        .benchmark(new BenchmarkSettings(List.of(64), Duration.ZERO, 4, 1))
        .nanos(Outputs.secondModelSlower())
        .build();
  }

  @Test
  void refusesEvaluationRowsThatDoNotFitTheModel() {
    Dataset narrow = Dataset.classification(new float[] {1, 2, 3, 4}, 2, new int[] {0, 1});

    assertThatThrownBy(() -> Outputs.COMPRESSOR.compress(mlp, dir.resolve("x.onnx"),
        CompressionOptions.builder(Method.INT8_DYNAMIC).build(),
        AccuracyGate.report(narrow, Metric.TOP1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the rows have 2 features");
    assertThat(dir).isEmptyDirectory();
  }
}
