package dev.serval.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobSpecTest {
  private static JobSpec.Builder train() {
    return JobSpec.builder("train", List.of("python", "train.py", "--lr", "{lr}", "--out",
        "{output_dir}/model.onnx", "--json", "{{\"a\": 1}}"));
  }

  @Test
  void substitutesParametersAndTheOutputFolder() {
    JobSpec spec = train().param("lr", "0.1").build();

    assertThat(spec.resolvedCommand(Path.of("/jobs/x/output"))).containsExactly("python",
        "train.py", "--lr", "0.1", "--out", "/jobs/x/output/model.onnx", "--json", "{\"a\": 1}");
  }

  @Test
  void substitutesOutputModelPaths() {
    JobSpec spec = train().param("lr", "0.1").outputModel("digits", "{output_dir}/m-{lr}.onnx")
        .build();

    assertThat(spec.resolvedPath(spec.outputModels().get(0), Path.of("/o")))
        .isEqualTo("/o/m-0.1.onnx");
  }

  @Test
  void rejectsAPlaceholderWithoutParameter() {
    assertThatThrownBy(() -> train().build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("uses {lr} but no parameter 'lr' was given; add --param lr=VALUE");
  }

  @Test
  void rejectsAnUnclosedBrace() {
    assertThatThrownBy(() -> JobSpec.builder("j", List.of("echo", "{oops")).build())
        .hasMessageContaining("'{' without '}'");
  }

  @Test
  void rejectsBadParameterNames() {
    assertThatThrownBy(() -> train().param("l r", "1").build())
        .hasMessageContaining("parameter name must be");
    assertThatThrownBy(() -> train().param("lr", "1").param("output_dir", "/x").build())
        .hasMessageContaining("reserved");
  }

  @Test
  void rejectsOutputPathsThatTraverseOrAreAbsolute() {
    assertThatThrownBy(() -> new OutputModel("m", "../../etc/passwd"))
        .hasMessageContaining("must not contain '..'");
    assertThatThrownBy(() -> new OutputModel("m", "{output_dir}/../x.onnx"))
        .hasMessageContaining("must not contain '..'");
    assertThatThrownBy(() -> new OutputModel("m", "/etc/passwd"))
        .hasMessageContaining("relative to the job's work directory");
  }

  @Test
  void rejectsReservedEnvironmentAndRelativeWorkDir() {
    assertThatThrownBy(() -> train().param("lr", "1").env("SERVAL_JOB_ID", "x").build())
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> train().param("lr", "1").workDir("rel/dir").build())
        .hasMessageContaining("absolute path");
    assertThatThrownBy(() -> train().param("lr", "1").workDir("/a/../b").build())
        .hasMessageContaining("absolute path");
  }

  @Test
  void rejectsBadLimits() {
    assertThatThrownBy(() -> train().param("lr", "1").timeout(Duration.ZERO).build())
        .hasMessageContaining("timeout must be positive");
    assertThatThrownBy(() -> train().param("lr", "1").retries(-1, Duration.ZERO).build())
        .hasMessageContaining("retries must be within 0..100, got -1");
    assertThatThrownBy(() -> JobSpec.builder("j", List.of()).build())
        .hasMessageContaining("needs a command");
  }

  @Test
  void parsesOutputModelsAndDurations() {
    assertThat(OutputModel.parse("digits={output_dir}/m.onnx"))
        .isEqualTo(new OutputModel("digits", "{output_dir}/m.onnx"));
    assertThatThrownBy(() -> OutputModel.parse("digits")).hasMessageContaining("NAME=PATH");
    assertThat(Durations.parse("--timeout", "10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("--timeout", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("--timeout", "90")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("--timeout", "PT2H")).isEqualTo(Duration.ofHours(2));
    assertThatThrownBy(() -> Durations.parse("--timeout", "soon"))
        .hasMessageContaining("--timeout must be a duration");
  }
}
