package dev.serval.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LoadFailuresTest {
  private static final String PREFIX = "cannot load ONNX model /srv/data/ab/model.onnx: ";

  @Test
  void namesAnIrVersionTheRuntimeDoesNotSupport() {
    String message = PREFIX + "/onnxruntime_src/onnxruntime/core/graph/model.cc:192 "
        + "onnxruntime::Model::Model(onnx::ModelProto&&, const onnxruntime::PathString&) "
        + "Unsupported model IR version: 99, max supported IR version: 13";

    assertThat(LoadFailures.dependency(message, "rt")).contains(
        "ONNX IR version 99 is not supported by rt, which supports up to 13");
  }

  @Test
  void findsNoDependencyInOtherFailures() {
    assertThat(LoadFailures.dependency(
        PREFIX + "Failed to load model because protobuf parsing failed.", "rt")).isEmpty();
  }

  @Test
  void replacesTheArtifactPathAndDropsTheRuntimeSourceLocation() {
    Path artifact = Path.of("/srv/data/ab/model.onnx");
    String message = PREFIX + "/onnxruntime_src/core/graph/model_load_utils.h:46 void "
        + "onnxruntime::Validate(const std::string&, int) Opset 99 is\nunder development.";

    assertThat(LoadFailures.clean(message, artifact, "model.onnx"))
        .isEqualTo("cannot load ONNX model model.onnx: Opset 99 is under development.");
  }

  @Test
  void shortensLongMessages() {
    assertThat(LoadFailures.clean("x".repeat(1000), Path.of("m.onnx"), "m.onnx"))
        .hasSize(303)
        .endsWith("...");
  }
}
