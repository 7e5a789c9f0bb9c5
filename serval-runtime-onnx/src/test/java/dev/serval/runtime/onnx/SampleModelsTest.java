package dev.serval.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.serval.core.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleModelsTest {
  private static final int[] DEMO_HIDDEN = {256, 256};

  @TempDir Path dir;

  @Test
  void writesTheSameMlpForTheSameSeedAndAnotherForAnotherSeed() {
    byte[] first = SampleModels.mlp(64, DEMO_HIDDEN, 10, 5);

    assertThat(SampleModels.mlp(64, DEMO_HIDDEN, 10, 5)).isEqualTo(first);
    assertThat(SampleModels.mlp(64, DEMO_HIDDEN, 10, 6)).isNotEqualTo(first);
  }

  @Test
  void buildsTheMlpFromGemmReluAndSoftmaxAtOpset17() throws Exception {
    ModelProto model = ModelProto.parseFrom(SampleModels.mlp(64, DEMO_HIDDEN, 10, 5));

    assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(17);
    assertThat(model.getIrVersion()).isEqualTo(8);
    assertThat(model.getGraph().getNodeList()).extracting(NodeProto::getOpType)
        .containsExactly("Gemm", "Relu", "Gemm", "Relu", "Gemm", "Softmax");
    assertThat(model.getGraph().getInitializerCount()).isEqualTo(6);
    assertThat(model.getGraph().getInitializer(0).getDimsList()).containsExactly(256L, 64L);
  }

  @Test
  void rejectsBadArgumentsNamingThem() {
    assertThatThrownBy(() -> SampleModels.mlp(0, DEMO_HIDDEN, 10, 1))
        .hasMessageContaining("inputs must be > 0 but was 0");
    assertThatThrownBy(() -> SampleModels.mlp(4, new int[] {8, -2}, 10, 1))
        .hasMessageContaining("hidden[1] must be > 0 but was -2");
    assertThatThrownBy(() -> SampleModels.add(DataType.BOOL, 2))
        .hasMessageContaining("BOOL");
    assertThatThrownBy(() -> SampleModels.identity(DataType.FP32, -1, -3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-3");
  }

  @Test
  void writesAtomicallyCreatingFoldersAndReplacingAnOldFile() throws Exception {
    Path file = dir.resolve("repo/mlp/1/model.onnx");
    byte[] identity = SampleModels.identity(DataType.INT32, -1);
    byte[] add = SampleModels.add(DataType.INT32, -1);

    SampleModels.write(identity, file);
    SampleModels.write(add, file);

    assertThat(Files.readAllBytes(file)).isEqualTo(add);
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }
}
