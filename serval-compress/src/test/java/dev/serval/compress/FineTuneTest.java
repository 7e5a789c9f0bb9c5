package dev.serval.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.serval.compress.internal.FloatTensor;
import dev.serval.compress.internal.ModelProbe;
import dev.serval.core.InvalidInputException;
import dev.serval.train.MlpTrainer;
import dev.serval.train.TrainingOptions;
import dev.serval.train.data.Dataset;
import dev.serval.train.data.Datasets;
import dev.serval.train.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.assertj.core.data.Offset;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.io.TempDir;

class FineTuneTest {
  @TempDir static Path shared;
  static Path mlp;
  static Path trainRows;
  static Dataset test;

  @TempDir Path dir;

  @BeforeAll
  static void trainDigitsClassifier() throws IOException {
    Split split = Datasets.digits().split(0.15, 0.15, 7);
    mlp = shared.resolve("digits-mlp.onnx");
    MlpTrainer.builder().hidden(64, 64)
        .options(TrainingOptions.builder().epochs(15).seed(1).build())
        .build()
        .fit(split.train(), split.validation(), p -> { })
        .writeOnnx(mlp);
    trainRows = csv(split.train(), shared.resolve("train.csv"));
    test = split.test();
  }

  @Test
  void fineTuningRestoresTheAccuracyOfAPrunedMlp() {
    CompressionOptions.Builder prune = CompressionOptions.builder(Method.PRUNE).structured(true)
        .sparsity(0.75);
    List<String> progress = new ArrayList<>();
    Compressor compressor = Compressor.builder().backend(Outputs.BACKEND)
        .benchmark(BenchmarkSettings.none()).progress(progress::add).build();

    GateReport pruned = compressor.compress(mlp, dir.resolve("pruned.onnx"), prune.build(),
        AccuracyGate.report(test, Metric.TOP1));
    GateReport tuned = compressor.compress(mlp, dir.resolve("tuned.onnx"),
        prune.fineTune(trainRows).fineTuneEpochs(6).fineTuneSeed(3).build(),
        AccuracyGate.report(test, Metric.TOP1));

    double before = pruned.candidates().get(0).score();
    double after = tuned.candidates().get(0).score();
    // pruning 3 of 4 neurons loses more than half the test rows; 6 epochs win most back
    assertThat(after).as("test top-1 pruned %.2f, fine-tuned %.2f", before, after)
        .isGreaterThan(before + 20);
    FineTuningReport report = tuned.result().fineTuning();
    assertThat(report.epochs()).isEqualTo(6);
    assertThat(report.rows()).isEqualTo(report.trainingRows() + report.heldOutRows());
    assertThat(report.top1After()).isGreaterThan(report.top1Before());
    assertThat(progress).hasSize(6).first().asString()
        .contains("structured, sparsity 0.75, fine-tuned 6 epochs", "epoch 1/6");
    assertThat(tuned.toText()).contains("fine-tuned on " + report.trainingRows() + " of "
        + report.rows() + " rows");
    assertThat(tuned.toJson()).contains("\"fineTuning\"", "\"top1After\"");
  }

  @Test
  void magnitudePrunedWeightsStayZeroWhileTheRestTrains() throws IOException {
    CompressionOptions.Builder prune = CompressionOptions.builder(Method.PRUNE).sparsity(0.9);
    GateReport pruned = Outputs.COMPRESSOR.compress(mlp, dir.resolve("pruned.onnx"),
        prune.build(), AccuracyGate.report(test, Metric.TOP1));
    GateReport tuned = Outputs.COMPRESSOR.compress(mlp, dir.resolve("tuned.onnx"),
        prune.fineTune(trainRows).fineTuneEpochs(3).build(),
        AccuracyGate.report(test, Metric.TOP1));

    assertThat(tuned.candidates().get(0).score())
        .isGreaterThan(pruned.candidates().get(0).score() + 5);
    ModelProto before = read(dir.resolve("pruned.onnx"));
    ModelProto after = read(dir.resolve("tuned.onnx"));
    assertThat(changed(before, after)).anyMatch(name -> name.endsWith("weight"));
    int zeros = 0;
    for (int i = 0; i < before.getGraph().getInitializerCount(); i++) {
      float[] a = FloatTensor.decode(before.getGraph().getInitializer(i)).orElseThrow().values();
      float[] b = FloatTensor.decode(after.getGraph().getInitializer(i)).orElseThrow().values();
      for (int j = 0; j < a.length; j++) {
        if (a[j] == 0) {
          assertThat(b[j]).as(before.getGraph().getInitializer(i).getName()).isZero();
          zeros++;
        }
      }
    }
    assertThat(zeros).isGreaterThan(5000); // 90% of 64x64 + 64x64 + 64x10 weights
  }

  @Test
  void writesTrainedWeightsBackIntoTheSameGraph() throws IOException {
    CompressionOptions.Builder lowRank = CompressionOptions.builder(Method.LOW_RANK).rank(8);
    Outputs.COMPRESSOR.compress(mlp, dir.resolve("plain.onnx"), lowRank.build());
    Outputs.COMPRESSOR.compress(mlp, dir.resolve("tuned.onnx"),
        lowRank.fineTune(trainRows).fineTuneEpochs(2).build());

    ModelProto plain = read(dir.resolve("plain.onnx"));
    ModelProto tuned = read(dir.resolve("tuned.onnx"));
    assertThat(tuned.getGraph().getNodeList()).extracting(NodeProto::getName)
        .containsExactlyElementsOf(plain.getGraph().getNodeList().stream()
            .map(NodeProto::getName).toList());
    assertThat(tuned.getGraph().getInitializerList()).extracting(TensorProto::getName,
        TensorProto::getDimsList).containsExactlyElementsOf(plain.getGraph().getInitializerList()
            .stream().map(t -> Tuple.tuple(t.getName(), t.getDimsList()))
            .toList());
    // the low-rank factors and the biases were trained; the standardization was not
    assertThat(changed(plain, tuned)).noneMatch(name -> name.startsWith("standardize"))
        .anyMatch(name -> name.contains("low_rank.a.weight"))
        .anyMatch(name -> name.contains("low_rank.b.bias"));
    try (ModelProbe probe = new ModelProbe(Outputs.BACKEND, dir.resolve("tuned.onnx"), 1)) {
      float[] probabilities = probe.firstFloatOutput(test.features(), test.rows());
      assertThat(probabilities).hasSize(test.rows() * 10);
      float sum = 0;
      for (int k = 0; k < 10; k++) {
        sum += probabilities[k];
      }
      assertThat(sum).isCloseTo(1f, Offset.offset(1e-4f));
    }
  }

  @Test
  void refusesAConvolutionalNetworkNamingTheNode() throws IOException {
    assertThatThrownBy(() -> lowRankFineTuned(TestModels.cnn(dir)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("fine-tuning cannot map node Conv_conv0 (Conv)");
    assertThat(dir.resolve("out.onnx")).doesNotExist();
  }

  @Test
  void refusesATransformerBlockNamingTheNode() throws IOException {
    assertThatThrownBy(() -> lowRankFineTuned(TestModels.transformer(dir)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("fine-tuning cannot map node q.low_rank.inner (MatMul):"
            + " its input x is also read by");
  }

  private void lowRankFineTuned(Path model) throws IOException {
    Path rows = Files.writeString(dir.resolve("rows.csv"), "1,2,0\n".repeat(20));
    Outputs.COMPRESSOR.compress(model, dir.resolve("out.onnx"),
        CompressionOptions.builder(Method.LOW_RANK).rank(4).fineTune(rows).build());
  }

  @Test
  void refusesRowsOfTheWrongWidth() throws IOException {
    Path rows = Files.writeString(dir.resolve("rows.csv"), "1,2,0\n".repeat(20));

    assertThatThrownBy(() -> Outputs.COMPRESSOR.compress(mlp, dir.resolve("out.onnx"),
        CompressionOptions.builder(Method.LOW_RANK).rank(4).fineTune(rows).build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("have 2 features but the model takes 64");
  }

  @Test
  void optionsRefuseFineTuningWhereTrainingCannotKeepTheResult() {
    Path rows = Path.of("rows.csv");
    assertThatThrownBy(() -> CompressionOptions.builder(Method.INT8_DYNAMIC).fineTune(rows)
        .build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not to int8-dynamic");
    assertThatThrownBy(() -> CompressionOptions.builder(Method.LOW_RANK).fineTune(rows)
        .fineTuneEpochs(0).build()).hasMessageContaining("fineTuneEpochs must be >= 1 but was 0");
    assertThatThrownBy(() -> CompressionOptions.builder(Method.LOW_RANK)
        .fineTuneLabels(rows).build()).hasMessageContaining("fineTuneLabels needs fineTune");
    assertThat(CompressionOptions.builder(Method.LOW_RANK).fineTune(rows).build().fineTuned())
        .isTrue();
  }

  private static List<String> changed(ModelProto a, ModelProto b) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < a.getGraph().getInitializerCount(); i++) {
      if (!a.getGraph().getInitializer(i).getRawData()
          .equals(b.getGraph().getInitializer(i).getRawData())) {
        names.add(a.getGraph().getInitializer(i).getName());
      }
    }
    return names;
  }

  private static ModelProto read(Path file) throws IOException {
    return ModelProto.parseFrom(Files.readAllBytes(file));
  }

  private static Path csv(Dataset data, Path file) throws IOException {
    StringBuilder text = new StringBuilder();
    for (int r = 0; r < data.rows(); r++) {
      for (int c = 0; c < data.featureCount(); c++) {
        text.append(data.feature(r, c)).append(',');
      }
      text.append(data.label(r)).append('\n');
    }
    return Files.writeString(file, text);
  }
}
