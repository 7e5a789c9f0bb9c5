package dev.serval.compress.internal;

import static dev.serval.runtime.onnx.GraphProtos.floatTensor;
import static dev.serval.runtime.onnx.GraphProtos.node;
import static dev.serval.runtime.onnx.GraphProtos.tensorValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.serval.core.InvalidInputException;
import dev.serval.runtime.onnx.GraphProtos;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.train.Activation;
import dev.serval.train.LayerWeights;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphNetworkTest {
  /** x [-1, 2] → Sub mean → Div std → MatMul [2, 3] → Add bias → Tanh → Gemm (transB, alpha 2). */
  private static ModelProto model(boolean shareBias) {
    GraphProto.Builder graph = GraphProto.newBuilder().setName("g")
        .addInput(tensorValue("x", TensorProto.DataType.FLOAT, -1, 2))
        .addInitializer(floatTensor("mean", new float[] {1, 2}, 2))
        .addInitializer(floatTensor("std", new float[] {2, 4}, 1, 2))
        .addInitializer(floatTensor("w", new float[] {1, 2, 3, 4, 5, 6}, 2, 3))
        .addInitializer(floatTensor("b", new float[] {7, 8, 9}, 3))
        .addInitializer(floatTensor("v", new float[] {1, 0, -1, 2, 0, -2}, 2, 3))
        .addNode(node("Sub", List.of("x", "mean"), List.of("centred")))
        .addNode(node("Div", List.of("centred", "std"), List.of("scaled")))
        .addNode(node("MatMul", List.of("scaled", "w"), List.of("product")))
        .addNode(node("Add", List.of("product", "b"), List.of("hidden")))
        .addNode(node("Tanh", List.of("hidden"), List.of("active")))
        .addNode(node("Gemm", List.of("active", "v"), List.of("y"),
            GraphProtos.intAttribute("transB", 1), AttributeProto.newBuilder().setName("alpha")
                .setType(AttributeProto.AttributeType.FLOAT).setF(2).build()))
        .addOutput(tensorValue("y", TensorProto.DataType.FLOAT, -1, 2));
    if (shareBias) {
      graph.addNode(node("Add", List.of("y", "b"), List.of("z")));
    }
    return GraphProtos.model(graph.build());
  }

  @Test
  void mapsStandardizationMatMulWithBiasAddActivationAndGemm() {
    GraphNetwork network = GraphNetwork.of(new GraphEditor(model(false)), false);

    List<LayerWeights> layers = network.layers();
    assertThat(layers).hasSize(5);
    LayerWeights.Scaling sub = (LayerWeights.Scaling) layers.get(0);
    assertThat(sub.scale()).containsExactly(1, 1);
    assertThat(sub.shift()).containsExactly(-1, -2);
    assertThat(((LayerWeights.Scaling) layers.get(1)).scale()).containsExactly(0.5f, 0.25f);
    LayerWeights.Linear matmul = (LayerWeights.Linear) layers.get(2);
    // stored [in, out]; the layer holds [out, in]; the Add's constant became its bias
    assertThat(matmul.weight()).containsExactly(1, 4, 2, 5, 3, 6);
    assertThat(matmul.bias()).containsExactly(7, 8, 9);
    assertThat(layers.get(3)).isEqualTo(new LayerWeights.Nonlinear(Activation.TANH, 3));
    LayerWeights.Linear gemm = (LayerWeights.Linear) layers.get(4);
    assertThat(gemm.weight()).containsExactly(2, 0, -2, 4, 0, -4);
    assertThat(gemm.bias()).isNull();
    assertThat(network.firstOutputIsProbabilities()).isFalse();
  }

  @Test
  void writesWeightsBackInTheGraphsOwnLayout() {
    GraphEditor graph = new GraphEditor(model(false));
    GraphNetwork network = GraphNetwork.of(graph, false);
    List<LayerWeights> trained = new ArrayList<>(network.layers());
    trained.set(2, new LayerWeights.Linear("m", 2, 3, new float[] {1, 2, 3, 4, 5, 6},
        new float[] {-1, -2, -3}));
    trained.set(4, new LayerWeights.Linear("g", 3, 2, new float[] {2, 4, 6, 8, 10, 12}, null));

    network.write(trained);

    assertThat(graph.floatInitializer("w").orElseThrow().values())
        .containsExactly(1, 3, 5, 2, 4, 6);
    assertThat(graph.floatInitializer("b").orElseThrow().values()).containsExactly(-1, -2, -3);
    // transB: stored as [out, in], divided by alpha 2
    assertThat(graph.floatInitializer("v").orElseThrow().values())
        .containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(graph.floatInitializer("std").orElseThrow().dims()).containsExactly(1, 2);
  }

  @Test
  void readsLogitsAsTheFirstOutputWhenTheSoftmaxComesSecond() throws Exception {
    GraphNetwork network = GraphNetwork.of(new GraphEditor(
        ModelProto.parseFrom(SampleModels.mlp(4, new int[] {3}, 2, 1))), false);

    // the Softmax maps to no layer: the chain ends in logits, which is also the first output
    assertThat(network.layers()).hasSize(3).last().isInstanceOf(LayerWeights.Linear.class);
    assertThat(network.firstOutputIsProbabilities()).isFalse();
  }

  @Test
  void refusesAWeightSharedWithAnotherNode() {
    assertThatThrownBy(() -> GraphNetwork.of(new GraphEditor(model(true)), false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("fine-tuning cannot map node Add_hidden (Add): its initializer b"
            + " is shared with another node");
  }
}
