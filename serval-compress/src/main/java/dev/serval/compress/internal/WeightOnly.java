package dev.serval.compress.internal;

import dev.serval.runtime.onnx.GraphProtos;
import static dev.serval.compress.internal.Nodes.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.serval.compress.NodeDecision;
import dev.serval.compress.internal.QuantizedWeights.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Quantized weights with float activations. 8 bits: the weight is stored as int8 and rebuilt by
 * DequantizeLinear (MatMul, Gemm and Conv). 4 bits: MatMul and Gemm become ONNX Runtime's
 * MatMulNBits, with one scale (and zero point) per block of K weights of each output column.
 */
final class WeightOnly implements Transform {
  private static final int PER_AXIS_OPSET = 13;

  private final int bits;
  private final int blockSize;
  private final boolean perChannel;
  private final boolean symmetric;

  WeightOnly(int bits, int blockSize, boolean perChannel, boolean symmetric) {
    this.bits = bits;
    this.blockSize = blockSize;
    this.perChannel = perChannel;
    this.symmetric = symmetric;
  }

  @Override
  public List<NodeDecision> apply(GraphEditor graph) {
    List<NodeDecision> decisions = new ArrayList<>();
    for (NodeProto node : graph.nodes()) {
      if (DenseLayer.isDense(node)) {
        DenseLayer.Match match = DenseLayer.match(graph, node);
        decisions.add(!match.matched() ? Nodes.kept(node, match.reason())
            : bits == 4 ? fourBit(graph, match.layer()) : int8(graph, match.layer()));
      } else if (Convolution.isConv(node)) {
        decisions.add(bits == 4
            ? Nodes.kept(node, "4-bit weights are for MatMul and Gemm; use --bits 8 for Conv")
            : int8Conv(graph, node));
      }
    }
    return decisions;
  }

  private NodeDecision int8(GraphEditor graph, DenseLayer layer) {
    if (perChannel && graph.opset() < PER_AXIS_OPSET) {
      return Nodes.kept(layer.node(), perAxisOpset(graph));
    }
    QuantizedWeights q = QuantizedWeights.of(layer.weight(), layer.k(), layer.n(),
        perChannel ? Channels.COLUMNS : Channels.NONE, symmetric, true);
    String prefix = graph.fresh(layer.output() + ".int8");
    String weight = dequantize(graph, layer.node(), prefix, q, 1, layer.k(), layer.n());
    List<String> inputs = new ArrayList<>(List.of(layer.input(), weight));
    if (layer.bias() != null) {
      graph.put(GraphProtos.floatTensor(prefix + ".bias", layer.bias(), layer.n()));
      inputs.add(prefix + ".bias");
    }
    graph.replace(layer.node(), List.of(
        onnx(layer.bias() == null ? "MatMul" : "Gemm", inputs, layer.output())));
    return Nodes.changed(layer.node(), "int8 weights, " + scales());
  }

  /** Conv with its weight stored as int8 and rebuilt by DequantizeLinear for a float kernel. */
  NodeDecision int8Conv(GraphEditor graph, NodeProto node) {
    Convolution.Match match = Convolution.match(graph, node);
    if (!match.matched()) {
      return Nodes.kept(node, match.reason());
    }
    if (perChannel && graph.opset() < PER_AXIS_OPSET) {
      return Nodes.kept(node, perAxisOpset(graph));
    }
    FloatTensor weight = match.conv().weight();
    int channels = match.conv().outChannels();
    QuantizedWeights q = QuantizedWeights.of(weight.values(), channels,
        weight.values().length / channels, perChannel ? Channels.ROWS : Channels.NONE,
        symmetric, true);
    String prefix = graph.fresh(node.getOutput(0) + ".int8");
    String dequantized = dequantize(graph, node, prefix, q, 0, weight.dims());
    graph.replace(node, List.of(node.toBuilder().setInput(1, dequantized).build()));
    return Nodes.changed(node, "int8 weights, " + scales());
  }

  /**
   * Stores {@code q} and adds the DequantizeLinear that rebuilds it; returns its output. The zero
   * point stays even when it is 0: ONNX Runtime 1.28 fuses QDQ patterns (int8-static) into
   * integer kernels only when the weight's DequantizeLinear has one.
   */
  private static String dequantize(GraphEditor graph, NodeProto before, String prefix,
      QuantizedWeights q, int axis, long... dims) {
    graph.put(q.valuesTensor(prefix + ".weight", dims));
    graph.put(q.scalesTensor(prefix + ".scale", q.scales().length));
    graph.put(q.zeroPointsTensor(prefix + ".zero_point"));
    graph.insertBefore(before, List.of(onnx("DequantizeLinear",
        List.of(prefix + ".weight", prefix + ".scale", prefix + ".zero_point"),
        prefix + ".dequantized", GraphProtos.intAttribute("axis", axis))));
    return prefix + ".dequantized";
  }

  private NodeDecision fourBit(GraphEditor graph, DenseLayer layer) {
    int k = layer.k();
    int n = layer.n();
    int block = blockSize;
    int blocks = (k + block - 1) / block;
    byte[] packed = new byte[n * blocks * block / 2];
    float[] scales = new float[n * blocks];
    int[] zeros = new int[n * blocks];
    for (int col = 0; col < n; col++) {
      for (int b = 0; b < blocks; b++) {
        quantizeBlock(layer, col, b, packed, scales, zeros);
      }
    }
    String prefix = graph.fresh(layer.output() + ".q4");
    graph.put(Tensors.bytes(prefix + ".weight", TensorProto.DataType.UINT8, packed, n, blocks,
        block / 2));
    graph.put(GraphProtos.floatTensor(prefix + ".scale", scales, (long) n * blocks));
    List<String> inputs = new ArrayList<>(List.of(layer.input(), prefix + ".weight",
        prefix + ".scale"));
    if (!symmetric) {
      graph.put(packedZeroPoints(prefix + ".zero_point", zeros, n, blocks));
      inputs.add(prefix + ".zero_point");
    }
    String product = layer.bias() == null ? layer.output() : prefix + ".product";
    List<NodeProto> nodes = new ArrayList<>(List.of(Nodes.microsoft("MatMulNBits", inputs,
        List.of(product), GraphProtos.intAttribute("K", k), GraphProtos.intAttribute("N", n),
        GraphProtos.intAttribute("bits", 4), GraphProtos.intAttribute("block_size", block))));
    Optional.ofNullable(layer.bias()).ifPresent(bias -> {
      graph.put(GraphProtos.floatTensor(prefix + ".bias", bias, n));
      nodes.add(onnx("Add", List.of(product, prefix + ".bias"), layer.output()));
    });
    graph.useDomain(Nodes.MICROSOFT, 1);
    graph.replace(layer.node(), nodes);
    return Nodes.changed(layer.node(), "MatMulNBits, 4-bit weights in blocks of " + block
        + (symmetric ? ", symmetric" : ", with zero points"));
  }

  /**
   * Quantizes the K weights of block {@code b} of column {@code col} to codes 0..15 (zero point 8
   * when symmetric), packed two per byte, the lower K index in the low nibble.
   */
  private void quantizeBlock(
      DenseLayer layer, int col, int b, byte[] packed, float[] scales, int[] zeros) {
    int block = blockSize;
    int start = b * block;
    int end = Math.min(layer.k(), start + block);
    float min = 0;
    float max = 0;
    for (int r = start; r < end; r++) {
      float w = layer.weight()[r * layer.n() + col];
      min = Math.min(min, w);
      max = Math.max(max, w);
    }
    int index = col * scales.length / layer.n() + b;
    float scale = symmetric ? Math.max(-min, max) / 7f : (max - min) / 15f;
    scale = scale == 0 ? 1 : scale;
    int zero = symmetric ? 8 : Math.max(0, Math.min(15, Math.round(-min / scale)));
    scales[index] = scale;
    zeros[index] = zero;
    int base = index * block / 2;
    for (int r = start; r < start + block; r++) {
      float w = r < end ? layer.weight()[r * layer.n() + col] : 0;
      int code = Math.max(0, Math.min(15, Math.round(w / scale) + zero));
      int at = base + (r - start) / 2;
      packed[at] = (byte) (packed[at] | ((r - start) % 2 == 0 ? code : code << 4));
    }
  }

  /** Zero points packed like the weights: per column, ceil(blocks / 2) bytes. */
  private static TensorProto packedZeroPoints(String name, int[] zeros, int n, int blocks) {
    int perColumn = (blocks + 1) / 2;
    byte[] packed = new byte[n * perColumn];
    for (int col = 0; col < n; col++) {
      for (int b = 0; b < blocks; b++) {
        int at = col * perColumn + b / 2;
        int zero = zeros[col * blocks + b];
        packed[at] = (byte) (packed[at] | (b % 2 == 0 ? zero : zero << 4));
      }
    }
    return Tensors.bytes(name, TensorProto.DataType.UINT8, packed, packed.length);
  }

  private String scales() {
    return (perChannel ? "per-channel" : "per-tensor")
        + (symmetric ? ", symmetric" : ", asymmetric");
  }

  private static String perAxisOpset(GraphEditor graph) {
    return "per-channel DequantizeLinear needs opset " + PER_AXIS_OPSET + " but the model uses "
        + graph.opset() + "; use --per-tensor";
  }
}
