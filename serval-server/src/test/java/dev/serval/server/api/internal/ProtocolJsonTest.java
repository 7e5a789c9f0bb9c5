package dev.serval.server.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Signature;
import dev.serval.core.TensorSpec;
import dev.serval.serving.ModelMetadata;
import dev.serval.serving.ModelState;
import dev.serval.serving.ModelStatistics;
import dev.serval.serving.ModelStatistics.BatchStat;
import dev.serval.serving.ModelStatistics.Stat;
import dev.serval.serving.RepositoryEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolJsonTest {
  @Test
  void writesServerMetadataLikeTheGoldenFile() {
    Golden.assertMatches(
        "server-metadata.json",
        ProtocolJson.serverMetadata("serval", "0.1.0", ProtocolApi.EXTENSIONS));
  }

  @Test
  void writesModelMetadataWithDynamicDimensionsAsMinusOne() {
    Signature signature =
        new Signature(
            List.of(new TensorSpec("input", DataType.FP32, Shape.ofSignature(-1, 64))),
            List.of(
                new TensorSpec("logits", DataType.FP32, Shape.ofSignature(-1, 10)),
                new TensorSpec("probabilities", DataType.FP32, Shape.ofSignature(-1, 10))));

    byte[] json =
        ProtocolJson.modelMetadata(
            new ModelMetadata("mlp", List.of("1", "2"), "onnxruntime_onnx", signature));

    Golden.assertMatches("model-metadata.json", json);
  }

  @Test
  void writesTheRepositoryIndexWithReasonsOnlyWhereThereAreSome() {
    byte[] json =
        ProtocolJson.repositoryIndex(
            List.of(
                new RepositoryEntry("mlp", "1", ModelState.READY, ""),
                new RepositoryEntry("broken", "1", ModelState.UNAVAILABLE, "not an ONNX file"),
                new RepositoryEntry("empty", null, ModelState.UNAVAILABLE, "no version folder")));

    Golden.assertMatches("repository-index.json", json);
  }

  @Test
  void writesStatisticsInTritonsShape() {
    ModelStatistics stats =
        new ModelStatistics(
            "mlp",
            "1",
            1_700_000_000_000L,
            10,
            3,
            new Stat(9, 900_000),
            new Stat(1, 50_000),
            new Stat(10, 100_000),
            new Stat(3, 30_000),
            new Stat(3, 300_000),
            new Stat(3, 3_000),
            List.of(
                new BatchStat(1, new Stat(1, 1_000), new Stat(1, 10_000), new Stat(1, 100)),
                new BatchStat(8, new Stat(2, 2_000), new Stat(2, 20_000), new Stat(2, 200))));

    Golden.assertMatches("statistics.json", ProtocolJson.statistics(List.of(stats)));
  }

  @Test
  void writesErrorsAsOneMessageField() {
    assertThat(new String(ProtocolJson.error("bad \"x\""), StandardCharsets.UTF_8))
        .isEqualTo("{\"error\":\"bad \\\"x\\\"\"}");
  }
}
