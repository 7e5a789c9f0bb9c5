package dev.serval.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.train.data.NpyArray;
import dev.serval.train.data.NpyReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchComparisonTest {
  @TempDir Path work;

  @Test
  void exportsWhatThePeerScriptReadsAndMeasuresServalsInt8() throws IOException {
    List<Int8SideBySide> results = TorchComparison.builder().epochs(2).speedModel(16, 32)
        .timing(2, 1).workDir(work).build()
        .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(results).extracting(Int8SideBySide::key).containsExactly("digits-mlp",
        "mlp-large");
    Int8SideBySide digits = results.get(0);
    assertThat(digits.rows()).isEqualTo(270);
    assertThat(digits.int8Top1()).isBetween(0.0, 100.0);
    assertThat(digits.agreement()).isGreaterThan(90.0);
    assertThat(results.get(1).fp32Top1()).isNaN();
    assertThat(results).allSatisfy(r -> assertThat(r.int8Millis()).isPositive());

    assertThat(NpyReader.read(work.resolve("digits-mlp/x.npy")).shape()).containsExactly(270, 64);
    assertThat(NpyReader.read(work.resolve("digits-mlp/y.npy")).shape()).containsExactly(270);
    assertThat(NpyReader.read(work.resolve("digits-mlp/expected.npy")).shape())
        .containsExactly(270, 10);
    assertThat(NpyReader.read(work.resolve("mlp-large/x.npy")).shape()).containsExactly(64, 16);
    assertThat(work.resolve("mlp-large/y.npy")).doesNotExist();

    JsonNode graph = new ObjectMapper().readTree(work.resolve("digits-mlp/weights/graph.json")
        .toFile());
    assertThat(graph.get("output").asText()).isEqualTo("probabilities");
    assertThat(graph.get("nodes").findValuesAsText("op")).containsExactly("Mul", "Add", "Gemm",
        "Relu", "Gemm", "Softmax");
    NpyArray firstWeight = NpyReader.read(work.resolve("digits-mlp/weights")
        .resolve(graph.get("initializers").get("dense0.weight").asText()));
    assertThat(firstWeight.shape()).containsExactly(128, 64);
    assertThat(new ObjectMapper().readTree(work.resolve("serval.json").toFile())).hasSize(2);
  }

  @Test
  void refusesToRunWithoutAWorkFolder() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = TorchComparison.runCommand(new String[] {"--epochs", "2"},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("workDir is required");
  }

  @Test
  void refusesZeroRounds() {
    assertThatThrownBy(() -> TorchComparison.builder().timing(0, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rounds");
  }
}
