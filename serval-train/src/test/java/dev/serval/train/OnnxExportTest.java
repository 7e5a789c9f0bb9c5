package dev.serval.train;

import static dev.serval.train.Digits.SPLIT;
import static dev.serval.train.Digits.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.RuntimeOptions;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.train.data.Dataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exported models run in ONNX Runtime give what the Java forward pass gives. */
class OnnxExportTest {
  private static final OnnxBackend BACKEND = new OnnxBackend();

  @TempDir Path dir;

  @Test
  void classifierWithBatchNormExportsAsGemmsAndMatchesJava() throws Exception {
    TrainedModel model = MlpTrainer.builder().hidden(32, 16).batchNorm(true).dropout(0.1)
        .activation(Activation.TANH).options(options(3).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), progress -> {});

    assertRuntimeMatches(model, SPLIT.test(), TrainedModel.PROBABILITIES);
    assertThat(opTypes(model)).containsExactly("Mul", "Add", "Gemm", "Tanh", "Gemm", "Tanh",
        "Gemm", "Softmax");
  }

  @Test
  void cnnExportsConvolutionAndMatchesJava() throws Exception {
    TrainedModel model = CnnTrainer.builder().filters(4).hidden(8)
        .options(options(2).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), progress -> {});

    assertRuntimeMatches(model, SPLIT.test(), TrainedModel.PROBABILITIES);
    assertThat(opTypes(model)).contains("Conv", "MaxPool", "Relu", "Gemm");
  }

  @Test
  void regressorExportsItsValuesAsOutputAndMatchesJava() throws Exception {
    Dataset waves = MlpTrainerTest.waves(300);
    TrainedModel model = MlpTrainer.builder().hidden(16).options(options(3).build()).build()
        .fit(waves, waves, progress -> {});

    assertRuntimeMatches(model, waves, TrainedModel.OUTPUT);
  }

  @Test
  void linearClassifierExportsStandardizationGemmAndSoftmax() throws Exception {
    TrainedModel model = LinearTrainer.builder().options(options(3).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), progress -> {});

    assertRuntimeMatches(model, SPLIT.test(), TrainedModel.PROBABILITIES);
    assertThat(opTypes(model)).containsExactly("Mul", "Add", "Gemm", "Softmax");
  }

  @Test
  void linearRegressorWithHuberLossMatchesJava() throws Exception {
    Dataset data = LinearTrainerTest.linear(300, 0.1, 0.05);
    TrainedModel model = LinearTrainer.builder().options(options(3).huber(1).build()).build()
        .fit(data, data, progress -> {});

    assertRuntimeMatches(model, data, TrainedModel.OUTPUT);
  }

  @Test
  void factorizationMachineClassifierExportsStandardOpsAndMatchesJava() throws Exception {
    TrainedModel model = FmTrainer.builder().factors(4).options(options(3).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), progress -> {});

    assertRuntimeMatches(model, SPLIT.test(), TrainedModel.PROBABILITIES);
    assertThat(opTypes(model)).containsExactly("Mul", "Add", "Gemm", "MatMul", "Mul", "Mul",
        "MatMul", "Sub", "MatMul", "Add", "Softmax");
  }

  @Test
  void factorizationMachineRegressorMatchesJava() throws Exception {
    Dataset data = FmTrainerTest.interactions(300, false);
    TrainedModel model = FmTrainer.builder().options(options(3).build()).build()
        .fit(data, data, progress -> {});

    assertRuntimeMatches(model, data, TrainedModel.OUTPUT);
  }

  private void assertRuntimeMatches(TrainedModel model, Dataset data, String output) {
    Path file = dir.resolve("exported/model.onnx");
    model.writeOnnx(file);
    float[] features = data.features();
    float[] expected = model.predict(features, data.rows());
    try (LoadedModel loaded = BACKEND.load(file, RuntimeOptions.defaults())) {
      assertThat(loaded.signature().inputs()).extracting(TensorSpec::name)
          .containsExactly(TrainedModel.INPUT);
      assertThat(loaded.signature().outputs()).extracting(TensorSpec::name)
          .containsExactly(output);
      List<Tensor> outputs = loaded.run(List.of(fp32(features, data.rows())), Set.of());

      float[] actual = new float[expected.length];
      outputs.get(0).data().asFloatBuffer().get(actual);
      assertThat(outputs.get(0).shape()).isEqualTo(Shape.of(data.rows(), model.outputWidth()));
      for (int i = 0; i < expected.length; i++) {
        assertThat(actual[i]).as("value %s", i).isCloseTo(expected[i], within(1e-5f));
      }
    }
  }

  private static Tensor fp32(float[] features, int rows) {
    ByteBuffer data = ByteBuffer.allocate(features.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    data.asFloatBuffer().put(features);
    return Tensor.of(TrainedModel.INPUT, DataType.FP32,
        Shape.of(rows, features.length / rows), data);
  }

  private List<String> opTypes(TrainedModel model) throws Exception {
    Path file = dir.resolve("ops.onnx");
    model.writeOnnx(file);
    return ModelProto.parseFrom(Files.readAllBytes(file)).getGraph().getNodeList().stream()
        .map(NodeProto::getOpType).toList();
  }
}
