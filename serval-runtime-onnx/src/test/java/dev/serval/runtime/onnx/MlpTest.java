package dev.serval.runtime.onnx;

import static dev.serval.runtime.onnx.TestTensors.dims;
import static dev.serval.runtime.onnx.TestTensors.floats;
import static dev.serval.runtime.onnx.TestTensors.fp32;
import static dev.serval.runtime.onnx.TestTensors.writeModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.RuntimeOptions;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MlpTest {
  private static final OnnxBackend BACKEND = new OnnxBackend();
  private static final int[] HIDDEN = {256, 256};

  @TempDir Path dir;

  /** Guards the pinned ONNX Runtime: a release that crashes on CPUs without AVX2 fails here. */
  @Test
  void loadsAndRunsMlpWithPinnedRuntime() {
    byte[] demo = SampleModels.mlp(64, HIDDEN, 10, 42);
    try (LoadedModel model = load(demo, RuntimeOptions.defaults())) {
      Tensor input = fp32("input", dims(8, 64), randomInputs(8 * 64, 1));

      List<Tensor> outputs = model.run(List.of(input), Set.of());

      assertThat(outputs).extracting(Tensor::name).containsExactly("logits", "probabilities");
      assertThat(outputs).extracting(Tensor::shape).containsOnly(Shape.of(8, 10));
      for (float logit : floats(outputs.get(0))) {
        assertThat(Float.isFinite(logit)).as("logit %s is finite", logit).isTrue();
      }
      float[] probabilities = floats(outputs.get(1));
      for (int row = 0; row < 8; row++) {
        double sum = 0;
        for (int k = 0; k < 10; k++) {
          assertThat(probabilities[row * 10 + k]).isBetween(0f, 1f);
          sum += probabilities[row * 10 + k];
        }
        assertThat(sum).isCloseTo(1.0, within(1e-5));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "basic", "extended", "all"})
  void matchesPlainJavaForwardPassAtEveryOptimizationLevel(String level) throws Exception {
    byte[] bytes = SampleModels.mlp(12, new int[] {16, 8}, 5, 7);
    RuntimeOptions options = RuntimeOptions.builder()
        .optimizationLevel(level).intraOpThreads(2).interOpThreads(2).build();
    int batch = 3;
    float[] x = randomInputs(batch * 12, 2);
    try (LoadedModel model = load(bytes, options)) {
      List<Tensor> outputs = model.run(List.of(fp32("input", dims(batch, 12), x)), Set.of());

      double[][] expected = ReferenceMlp.of(bytes).logits(x, batch);
      float[] logits = floats(outputs.get(0));
      float[] probabilities = floats(outputs.get(1));
      for (int row = 0; row < batch; row++) {
        double[] softmax = ReferenceMlp.softmax(expected[row]);
        for (int k = 0; k < 5; k++) {
          assertThat((double) logits[row * 5 + k]).isCloseTo(expected[row][k], within(1e-4));
          assertThat((double) probabilities[row * 5 + k]).isCloseTo(softmax[k], within(1e-4));
        }
      }
    }
  }

  @Test
  void computesOnlyTheRequestedOutputsInSignatureOrder() {
    byte[] small = SampleModels.mlp(4, new int[] {3}, 2, 1);
    try (LoadedModel model = load(small, RuntimeOptions.defaults())) {
      Tensor input = fp32("input", dims(1, 4), 0.5f, -1f, 2f, 0f);
      List<Tensor> all = model.run(List.of(input), Set.of());

      List<Tensor> one = model.run(List.of(input), Set.of("probabilities"));
      List<Tensor> both = model.run(List.of(input),
          new LinkedHashSet<>(List.of("probabilities", "logits")));

      assertThat(one).extracting(Tensor::name).containsExactly("probabilities");
      assertThat(floats(one.get(0))).containsExactly(floats(all.get(1)));
      assertThat(both).extracting(Tensor::name).containsExactly("logits", "probabilities");
    }
  }

  private LoadedModel load(byte[] model, RuntimeOptions options) {
    return BACKEND.load(writeModel(dir, model), options);
  }

  private static float[] randomInputs(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) random.nextDouble(-1, 1);
    }
    return values;
  }

  /** The MLP computed in plain Java from the weights stored in the model file itself. */
  private static final class ReferenceMlp {
    private final Map<String, TensorProto> initializers;

    private ReferenceMlp(Map<String, TensorProto> initializers) {
      this.initializers = initializers;
    }

    static ReferenceMlp of(byte[] model) throws InvalidProtocolBufferException {
      return new ReferenceMlp(ModelProto.parseFrom(model).getGraph().getInitializerList().stream()
          .collect(Collectors.toMap(TensorProto::getName, Function.identity())));
    }

    double[][] logits(float[] x, int batch) {
      int layers = initializers.size() / 2;
      double[][] activations = new double[batch][];
      int width = x.length / batch;
      for (int row = 0; row < batch; row++) {
        activations[row] = new double[width];
        for (int i = 0; i < width; i++) {
          activations[row][i] = x[row * width + i];
        }
      }
      for (int layer = 0; layer < layers; layer++) {
        for (int row = 0; row < batch; row++) {
          activations[row] = dense(layer, activations[row], layer < layers - 1);
        }
      }
      return activations;
    }

    private double[] dense(int layer, double[] in, boolean relu) {
      TensorProto weight = initializers.get("layer" + layer + ".weight");
      float[] w = values(weight);
      float[] b = values(initializers.get("layer" + layer + ".bias"));
      int outputs = (int) weight.getDims(0);
      double[] out = new double[outputs];
      for (int o = 0; o < outputs; o++) {
        double sum = b[o];
        for (int i = 0; i < in.length; i++) {
          sum += w[o * in.length + i] * in[i];
        }
        out[o] = relu ? Math.max(0, sum) : sum;
      }
      return out;
    }

    static double[] softmax(double[] logits) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : logits) {
        max = Math.max(max, v);
      }
      double[] exp = new double[logits.length];
      double sum = 0;
      for (int i = 0; i < logits.length; i++) {
        exp[i] = Math.exp(logits[i] - max);
        sum += exp[i];
      }
      for (int i = 0; i < exp.length; i++) {
        exp[i] /= sum;
      }
      return exp;
    }

    private static float[] values(TensorProto tensor) {
      float[] values = new float[tensor.getRawData().size() / 4];
      tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
          .get(values);
      return values;
    }
  }
}
