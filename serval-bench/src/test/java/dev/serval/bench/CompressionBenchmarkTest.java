package dev.serval.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressionBenchmarkTest {
  @TempDir Path work;

  @Test
  void measuresEveryCompressedModelOnTinySettings() {
    CompressionBenchReport report = CompressionBenchmark.builder()
        .epochs(2).digitsHidden(16).typicalCnn(4, 32).wideHidden(32, 32).speedModel(16, 32)
        .lowRank(4).fineTuneEpochs(1).fineTuneRanks(4).rounds(2).runsPerRound(1).workDir(work)
        .build()
        .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(report.models()).extracting(CompressedModel::method).startsWith(
        "int8-dynamic", "int8-dynamic per-tensor", "int8-static", "int8-dynamic",
        "int8-dynamic per-tensor", "int8-static", "int8-dynamic", "int8-dynamic per-tensor",
        "int8-static", "int8-dynamic", "prune",
        "prune + low-rank rank 4");
    assertThat(report.models()).allSatisfy(m -> {
      assertThat(m.compressedBytes()).isPositive().isLessThan(m.originalBytes());
      assertThat(m.originalMillis()).isPositive();
      assertThat(m.compressedMillis()).isPositive();
    });
    assertThat(report.models().get(0).compressedTop1()).isBetween(0.0, 100.0);
    assertThat(report.models().get(9).originalTop1()).isNaN();
    assertThat(report.models()).extracting(CompressedModel::method).contains(
        "prune + fine-tune", "prune + fine-tune, low-rank rank 4 + fine-tune");
    assertThat(report.gate()).contains("Tried:");
    assertThat(report.fineTunedGate()).contains("Tried:", "fine-tuned 1 epochs");
    assertThat(report.targets()).extracting(TargetCheck::name).contains(
        "digits CNN (16 filters 3x3), int8-static: file",
        "digits CNN (4 filters 3x3, dense 32), int8-dynamic: file",
        "MLP 16-32-16 (random weights), int8-dynamic: rows/s at batch 64",
        "digits MLP 64-32-32-10, prune + low-rank rank 4: rows/s at batch 64, top-1 drop");
    assertThat(report.toMarkdown())
        .contains("| digits MLP 64-16-10 | int8-static |", "**Targets**");
    assertThat(report.toJson()).contains("\"compressedTop1\"", "\"loadBefore\"");
  }

  @Test
  void refusesZeroRounds() {
    assertThatThrownBy(() -> CompressionBenchmark.builder().rounds(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rounds")
        .hasMessageContaining("0");
  }

  @Test
  void rejectsUnknownOptionWithExitCodeTwo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = CompressionBenchmark.runCommand(new String[] {"--bogus", "1"},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--bogus");
  }
}
