package dev.serval.runtime.onnx;

import static dev.serval.runtime.onnx.GraphProtos.floatTensor;
import static dev.serval.runtime.onnx.GraphProtos.intAttribute;
import static dev.serval.runtime.onnx.GraphProtos.node;
import static dev.serval.runtime.onnx.GraphProtos.tensorValue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.runtime.onnx.internal.OnnxTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The project's own small ONNX models, written with the ONNX protobuf builders, so that demos,
 * tests and benchmarks need no download. Each method returns a serialized {@code ModelProto};
 * the same arguments always give the same bytes.
 */
public final class SampleModels {
  private SampleModels() {}

  /**
   * A classifier MLP: input {@code "input"} FP32 {@code [-1, inputs]}, one Gemm + Relu per hidden
   * layer, a final Gemm to output {@code "logits"} FP32 {@code [-1, outputs]} and its Softmax as
   * output {@code "probabilities"}. Layer {@code i} keeps its weights in initializers
   * {@code layer<i>.weight} ({@code [out, in]}, used transposed) and {@code layer<i>.bias}.
   * Weights are uniform random with He scaling before a Relu and Xavier scaling for the logits.
   *
   * <p>The demo and benchmark model is {@code mlp(64, new int[] {256, 256}, 10, seed)}.
   */
  public static byte[] mlp(int inputs, int[] hidden, int outputs, long seed) {
    requirePositive("inputs", inputs);
    requirePositive("outputs", outputs);
    for (int i = 0; i < hidden.length; i++) {
      requirePositive("hidden[" + i + "]", hidden[i]);
    }
    SplittableRandom random = new SplittableRandom(seed);
    GraphProto.Builder graph = GraphProto.newBuilder().setName("mlp");
    graph.addInput(tensorValue("input", TensorProto.DataType.FLOAT, -1, inputs));
    String x = "input";
    int fanIn = inputs;
    for (int i = 0; i < hidden.length; i++) {
      String gemm = "layer" + i + ".gemm";
      dense(graph, random, i, x, gemm, fanIn, hidden[i], Math.sqrt(6.0 / fanIn));
      x = "layer" + i + ".relu";
      graph.addNode(node("Relu", List.of(gemm), List.of(x)));
      fanIn = hidden[i];
    }
    dense(graph, random, hidden.length, x, "logits", fanIn, outputs,
        Math.sqrt(6.0 / (fanIn + outputs)));
    graph.addNode(
        node("Softmax", List.of("logits"), List.of("probabilities"), intAttribute("axis", -1)));
    graph.addOutput(tensorValue("logits", TensorProto.DataType.FLOAT, -1, outputs));
    graph.addOutput(tensorValue("probabilities", TensorProto.DataType.FLOAT, -1, outputs));
    return GraphProtos.model(graph.build()).toByteArray();
  }

  /**
   * A model with input {@code "x"} and output {@code "y"} = Identity(x), both of {@code type} and
   * {@code shape} (-1 = dynamic dimension). Works for every datatype, {@link DataType#BYTES} as an
   * ONNX string tensor.
   */
  public static byte[] identity(DataType type, long... shape) {
    return elementwise("Identity", type, List.of("x"), "y", shape);
  }

  /**
   * A model with inputs {@code "a"} and {@code "b"} and output {@code "sum"} = a + b, all of
   * {@code type} and {@code shape}; for numeric datatypes.
   */
  public static byte[] add(DataType type, long... shape) {
    if (type == DataType.BOOL || type == DataType.BYTES) {
      throw new IllegalArgumentException("add needs a numeric datatype but got " + type);
    }
    return elementwise("Add", type, List.of("a", "b"), "sum", shape);
  }

  /** Writes a model atomically (temporary file, then move), creating parent folders. */
  public static void write(byte[] model, Path file) {
    Path target = file.toAbsolutePath();
    try {
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
      try {
        Files.write(temp, model);
        move(temp, target);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model to " + file, e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Adds {@code out} = Gemm(x, W^T, b) with the weights of layer {@code index}. */
  private static void dense(GraphProto.Builder graph, SplittableRandom random, int index,
      String x, String out, int fanIn, int fanOut, double limit) {
    String prefix = "layer" + index;
    graph.addInitializer(
        floatTensor(prefix + ".weight", uniform(random, fanOut * fanIn, limit), fanOut, fanIn));
    // Small non-zero biases, so that a forward pass that drops them is caught by the tests.
    graph.addInitializer(floatTensor(prefix + ".bias", uniform(random, fanOut, 0.1), fanOut));
    graph.addNode(node("Gemm", List.of(x, prefix + ".weight", prefix + ".bias"), List.of(out),
        intAttribute("transB", 1)));
  }

  private static float[] uniform(SplittableRandom random, int count, double limit) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) random.nextDouble(-limit, limit);
    }
    return values;
  }

  private static byte[] elementwise(
      String opType, DataType type, List<String> inputs, String output, long... shape) {
    Shape.ofSignature(shape); // rejects dimensions below -1, naming them
    TensorProto.DataType element = OnnxTypes.toProto(type);
    GraphProto.Builder graph = GraphProto.newBuilder().setName(opType.toLowerCase(Locale.ROOT));
    for (String input : inputs) {
      graph.addInput(tensorValue(input, element, shape));
    }
    graph.addNode(node(opType, inputs, List.of(output)));
    graph.addOutput(tensorValue(output, element, shape));
    return GraphProtos.model(graph.build()).toByteArray();
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0 but was " + value);
    }
  }
}
