package dev.serval.compress;

import static dev.serval.runtime.onnx.GraphProtos.floatTensor;
import static dev.serval.runtime.onnx.GraphProtos.intAttribute;
import static dev.serval.runtime.onnx.GraphProtos.node;
import static dev.serval.runtime.onnx.GraphProtos.tensorValue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.serval.compress.internal.FloatTensor;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.runtime.onnx.GraphProtos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small models with random weights: an MLP, a CNN and a transformer block. */
final class TestModels {
  static final int CNN_CLASSES = 10;
  static final int SEQUENCE = 8;
  static final int WIDTH = 16;

  private TestModels() {}

  /** 64 → 128 → 64 → 10 (Gemm + Relu layers, then Softmax). */
  static Path mlp(Path dir) {
    return write(SampleModels.mlp(64, new int[] {128, 64}, 10, 3), dir.resolve("mlp.onnx"));
  }

  /**
   * Input [-1, 3, 12, 12]: Conv 8×3×3 (pad 1) + Relu, Conv 16×3×3 (stride 2, pad 1) + Relu,
   * Flatten, Gemm to 10 logits.
   */
  static Path cnn(Path dir) {
    SplittableRandom random = new SplittableRandom(5);
    GraphProto.Builder graph = GraphProto.newBuilder().setName("cnn");
    graph.addInput(tensorValue("image", TensorProto.DataType.FLOAT, -1, 3, 12, 12));
    conv(graph, random, "conv0", "image", 3, 8, 1);
    graph.addNode(node("Relu", List.of("conv0"), List.of("relu0")));
    conv(graph, random, "conv1", "relu0", 8, 16, 2);
    graph.addNode(node("Relu", List.of("conv1"), List.of("relu1")));
    graph.addNode(node("Flatten", List.of("relu1"), List.of("flat"), intAttribute("axis", 1)));
    int features = 16 * 6 * 6;
    graph.addInitializer(floatTensor("fc.weight",
        uniform(random, CNN_CLASSES * features, Math.sqrt(3.0 / features)), CNN_CLASSES,
        features));
    graph.addInitializer(floatTensor("fc.bias", uniform(random, CNN_CLASSES, 0.1), CNN_CLASSES));
    graph.addNode(node("Gemm", List.of("flat", "fc.weight", "fc.bias"), List.of("logits"),
        intAttribute("transB", 1)));
    graph.addOutput(tensorValue("logits", TensorProto.DataType.FLOAT, -1, CNN_CLASSES));
    return write(GraphProtos.model(graph.build()).toByteArray(), dir.resolve("cnn.onnx"));
  }

  /**
   * Input [-1, 8, 16]: single-head self-attention (MatMul Q, K, V; Softmax(Q·Kᵀ/4)·V; output
   * projection + residual), then a feed-forward block 16 → 32 → 16 with Relu and residual.
   */
  static Path transformer(Path dir) {
    SplittableRandom random = new SplittableRandom(11);
    GraphProto.Builder graph = GraphProto.newBuilder().setName("transformer");
    graph.addInput(tensorValue("x", TensorProto.DataType.FLOAT, -1, SEQUENCE, WIDTH));
    for (String name : List.of("q", "k", "v")) {
      matmul(graph, random, name, "x", WIDTH, WIDTH, false);
    }
    graph.addNode(node("Transpose", List.of("k"), List.of("k_t"), ints("perm", 0, 2, 1)));
    graph.addNode(node("MatMul", List.of("q", "k_t"), List.of("scores")));
    graph.addInitializer(floatTensor("scale", new float[] {0.25f}));
    graph.addNode(node("Mul", List.of("scores", "scale"), List.of("scaled")));
    graph.addNode(node("Softmax", List.of("scaled"), List.of("weights"), intAttribute("axis", -1)));
    graph.addNode(node("MatMul", List.of("weights", "v"), List.of("attended")));
    matmul(graph, random, "proj", "attended", WIDTH, WIDTH, true);
    graph.addNode(node("Add", List.of("x", "proj"), List.of("residual")));
    matmul(graph, random, "ffn1", "residual", WIDTH, 2 * WIDTH, true);
    graph.addNode(node("Relu", List.of("ffn1"), List.of("ffn1_relu")));
    matmul(graph, random, "ffn2", "ffn1_relu", 2 * WIDTH, WIDTH, true);
    graph.addNode(node("Add", List.of("residual", "ffn2"), List.of("y")));
    graph.addOutput(tensorValue("y", TensorProto.DataType.FLOAT, -1, SEQUENCE, WIDTH));
    return write(GraphProtos.model(graph.build()).toByteArray(), dir.resolve("transformer.onnx"));
  }

  /** A copy of a model whose float initializers are rounded to multiples of {@code step}. */
  static Path rounded(Path model, float step, Path file) throws IOException {
    ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
    GraphProto.Builder graph = proto.getGraph().toBuilder().clearInitializer();
    for (TensorProto tensor : proto.getGraph().getInitializerList()) {
      FloatTensor values = FloatTensor.decode(tensor).orElseThrow();
      float[] rounded = values.values().clone();
      for (int i = 0; i < rounded.length; i++) {
        rounded[i] = Math.round(rounded[i] / step) * step;
      }
      graph.addInitializer(floatTensor(tensor.getName(), rounded, values.dims()));
    }
    return write(proto.toBuilder().setGraph(graph).build().toByteArray(), file);
  }

  /**
   * A copy of a model where the odd neurons of some layers are dead: the listed initializers are
   * zero at odd indices of the given axis (the neuron axis of a weight or bias).
   */
  static Path killOddNeurons(Path model, Map<String, Integer> axes, Path file)
      throws IOException {
    ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
    GraphProto.Builder graph = proto.getGraph().toBuilder().clearInitializer();
    for (TensorProto tensor : proto.getGraph().getInitializerList()) {
      Integer axis = axes.get(tensor.getName());
      if (axis == null) {
        graph.addInitializer(tensor);
        continue;
      }
      FloatTensor values = FloatTensor.decode(tensor).orElseThrow();
      float[] killed = values.values().clone();
      long inner = 1;
      for (int d = axis + 1; d < values.rank(); d++) {
        inner *= values.dims()[d];
      }
      for (int i = 0; i < killed.length; i++) {
        if ((i / inner) % values.dims()[axis] % 2 == 1) {
          killed[i] = 0;
        }
      }
      graph.addInitializer(floatTensor(tensor.getName(), killed, values.dims()));
    }
    return write(proto.toBuilder().setGraph(graph).build().toByteArray(), file);
  }

  static Path write(byte[] model, Path file) {
    SampleModels.write(model, file);
    return file;
  }

  static float[] uniform(SplittableRandom random, int count, double limit) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) random.nextDouble(-limit, limit);
    }
    return values;
  }

  private static void conv(GraphProto.Builder graph, SplittableRandom random, String name,
      String input, int in, int out, int stride) {
    int fanIn = in * 9;
    graph.addInitializer(floatTensor(name + ".weight",
        uniform(random, out * fanIn, Math.sqrt(6.0 / fanIn)), out, in, 3, 3));
    graph.addInitializer(floatTensor(name + ".bias", uniform(random, out, 0.1), out));
    graph.addNode(node("Conv", List.of(input, name + ".weight", name + ".bias"), List.of(name),
        ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), ints("strides", stride, stride)));
  }

  /** {@code name} = input · W (+ b): a MatMul with a [in, out] weight, then an Add. */
  private static void matmul(GraphProto.Builder graph, SplittableRandom random, String name,
      String input, int in, int out, boolean bias) {
    graph.addInitializer(floatTensor(name + ".weight",
        uniform(random, in * out, Math.sqrt(3.0 / in)), in, out));
    String product = bias ? name + ".product" : name;
    graph.addNode(node("MatMul", List.of(input, name + ".weight"), List.of(product)));
    if (bias) {
      graph.addInitializer(floatTensor(name + ".bias", uniform(random, out, 0.1), out));
      graph.addNode(node("Add", List.of(product, name + ".bias"), List.of(name)));
    }
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder attribute =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long value : values) {
      attribute.addInts(value);
    }
    return attribute.build();
  }
}
