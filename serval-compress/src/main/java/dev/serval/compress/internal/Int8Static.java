package dev.serval.compress.internal;

import dev.serval.runtime.onnx.GraphProtos;
import static dev.serval.compress.internal.Nodes.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.serval.compress.CompressionOptions;
import dev.serval.compress.NodeDecision;
import dev.serval.runtime.onnx.OnnxBackend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * QDQ int8: weights as int8 behind DequantizeLinear (as {@link WeightOnly} with 8 bits), and each
 * quantized layer's input activation through QuantizeLinear + DequantizeLinear with a uint8 range
 * from calibration. ONNX Runtime fuses these patterns into integer kernels.
 */
final class Int8Static implements Transform {
  private final CompressionOptions options;
  private final Calibrator calibrator;

  private final ModelProto original;

  /** @param original the model before any node was hidden from the rewrite, to calibrate on */
  Int8Static(CompressionOptions options, OnnxBackend backend, int threads, ModelProto original) {
    this.options = options;
    this.calibrator = new Calibrator(options, backend, threads);
    this.original = original;
  }

  @Override
  public List<NodeDecision> apply(GraphEditor graph) {
    // WeightOnly decides on these nodes, in this order
    List<NodeProto> layers = graph.nodes().stream()
        .filter(n -> DenseLayer.isDense(n) || Convolution.isConv(n))
        .toList();
    List<String> activations = layers.stream().map(n -> n.getInput(0)).distinct().toList();
    Map<String, float[]> ranges = calibrator.ranges(original, activations);
    List<NodeDecision> weights =
        new WeightOnly(8, options.blockSize(), options.perChannel(), options.symmetric())
            .apply(graph);
    Map<String, String> quantized = new HashMap<>();
    List<NodeDecision> decisions = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      NodeDecision decision = weights.get(i);
      if (!decision.changed()) {
        decisions.add(decision);
        continue;
      }
      String activation = layers.get(i).getInput(0);
      float[] range = ranges.get(activation);
      NodeProto layer = graph.producer(layers.get(i).getOutput(0)).orElseThrow();
      String dequantized = quantized.computeIfAbsent(activation,
          name -> qdq(graph, layer, name, range));
      graph.replace(layer, List.of(layer.toBuilder().setInput(0, dequantized).build()));
      decisions.add(new NodeDecision(decision.node(), decision.opType(), true,
          decision.detail() + String.format(Locale.ROOT, "; input %s in [%.4g, %.4g] as uint8",
              activation, range[0], range[1])));
    }
    return decisions;
  }

  /** Adds QuantizeLinear + DequantizeLinear of an activation; returns the dequantized name. */
  private static String qdq(GraphEditor graph, NodeProto before, String activation,
      float[] range) {
    float scale = (range[1] - range[0]) / 255f;
    scale = scale == 0 ? 1 : scale;
    int zero = Math.max(0, Math.min(255, Math.round(-range[0] / scale)));
    String prefix = graph.fresh(activation + ".qdq");
    graph.put(GraphProtos.floatTensor(prefix + ".scale", new float[] {scale}));
    graph.put(Tensors.bytes(prefix + ".zero_point", TensorProto.DataType.UINT8,
        new byte[] {(byte) zero}));
    List<String> parameters = List.of(prefix + ".scale", prefix + ".zero_point");
    List<String> quantizeInputs = new ArrayList<>(List.of(activation));
    quantizeInputs.addAll(parameters);
    List<String> dequantizeInputs = new ArrayList<>(List.of(prefix + ".quantized"));
    dequantizeInputs.addAll(parameters);
    graph.insertBefore(before, List.of(
        onnx("QuantizeLinear", quantizeInputs, prefix + ".quantized"),
        onnx("DequantizeLinear", dequantizeInputs, prefix)));
    return prefix;
  }
}
