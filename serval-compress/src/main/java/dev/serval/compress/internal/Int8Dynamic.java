package dev.serval.compress.internal;

import dev.serval.runtime.onnx.GraphProtos;
import static dev.serval.compress.internal.Nodes.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.serval.compress.CompressionOptions;
import dev.serval.compress.CompressionOptions.Int8Kernels;
import dev.serval.compress.NodeDecision;
import dev.serval.compress.internal.QuantizedWeights.Channels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Int8 weights with activations quantized at run time. With {@link Int8Kernels#CONTRIB}, MatMul
 * and Gemm become ONNX Runtime's DynamicQuantizeMatMul, and Conv keeps its float kernel with the
 * weight stored as int8 behind a DequantizeLinear: ONNX Runtime's ConvInteger is slower than its
 * float Conv (about half the rows/s on the digits CNN with AVX-512 VNNI), so only the file
 * shrinks. With {@link Int8Kernels#STANDARD}, only standard integer operators:
 * DynamicQuantizeLinear + MatMulInteger, and ConvInteger, whose runtime kernel takes uint8
 * weights with one zero point, so per-channel Conv weights are symmetric around 128.
 */
final class Int8Dynamic implements Transform {
  private final CompressionOptions options;
  /** Activations already quantized by a DynamicQuantizeLinear node: [q, scale, zero point]. */
  private final Map<String, List<String>> quantized = new HashMap<>();

  Int8Dynamic(CompressionOptions options) {
    this.options = options;
  }

  @Override
  public List<NodeDecision> apply(GraphEditor graph) {
    List<NodeDecision> decisions = new ArrayList<>();
    for (NodeProto node : graph.nodes()) {
      if (DenseLayer.isDense(node)) {
        decisions.add(dense(graph, node));
      } else if (Convolution.isConv(node)) {
        decisions.add(conv(graph, node));
      }
    }
    return decisions;
  }

  private NodeDecision dense(GraphEditor graph, NodeProto node) {
    DenseLayer.Match match = DenseLayer.match(graph, node);
    if (!match.matched()) {
      return Nodes.kept(node, match.reason());
    }
    DenseLayer layer = match.layer();
    String prefix = graph.fresh(layer.output() + ".int8");
    QuantizedWeights q = QuantizedWeights.of(layer.weight(), layer.k(), layer.n(),
        options.perChannel() ? Channels.COLUMNS : Channels.NONE, options.symmetric(),
        options.symmetric());
    graph.put(q.valuesTensor(prefix + ".weight", layer.k(), layer.n()));
    graph.put(q.scalesTensor(prefix + ".scale", layer.n()));
    Optional<String> zeroPoint = q.zeroPointsInput(graph, prefix + ".zero_point");
    Optional<String> bias = Optional.ofNullable(layer.bias()).map(b -> {
      graph.put(GraphProtos.floatTensor(prefix + ".bias", b, layer.n()));
      return prefix + ".bias";
    });
    if (options.kernels() == Int8Kernels.CONTRIB) {
      List<String> inputs = new ArrayList<>(List.of(layer.input(), prefix + ".weight",
          prefix + ".scale"));
      // an absent optional input is an empty name, and only needed before a present one
      if (zeroPoint.isPresent() || bias.isPresent()) {
        inputs.add(zeroPoint.orElse(""));
      }
      bias.ifPresent(inputs::add);
      graph.useDomain(Nodes.MICROSOFT, 1);
      graph.replace(node, List.of(Nodes.microsoft("DynamicQuantizeMatMul", inputs,
          List.of(layer.output()))));
      return Nodes.changed(node, "DynamicQuantizeMatMul, " + weights());
    }
    List<String> x = quantizedActivation(graph, node, layer.input());
    List<NodeProto> nodes = new ArrayList<>();
    List<String> inputs = new ArrayList<>(List.of(x.get(0), prefix + ".weight", x.get(2)));
    zeroPoint.ifPresent(inputs::add);
    nodes.add(onnx("MatMulInteger", inputs, prefix + ".int32"));
    nodes.addAll(rescale(prefix, x.get(1), bias, layer.output()));
    graph.replace(node, nodes);
    return Nodes.changed(node, "MatMulInteger, " + weights());
  }

  private NodeDecision conv(GraphEditor graph, NodeProto node) {
    Convolution.Match match = Convolution.match(graph, node);
    if (!match.matched()) {
      return Nodes.kept(node, match.reason());
    }
    if (options.kernels() == Int8Kernels.CONTRIB) {
      NodeDecision weights = new WeightOnly(8, options.blockSize(), options.perChannel(),
          options.symmetric()).int8Conv(graph, node);
      return weights.changed() ? Nodes.changed(node, "float Conv (ConvInteger is slower here), "
          + weights.detail()) : weights;
    }
    Convolution conv = match.conv();
    String prefix = graph.fresh(conv.output() + ".int8");
    boolean symmetric = options.symmetric() || options.perChannel();
    QuantizedWeights q = QuantizedWeights.of(conv.weight().values(), conv.outChannels(),
        conv.weight().values().length / conv.outChannels(),
        options.perChannel() ? Channels.ROWS : Channels.NONE, symmetric, false);
    graph.put(q.valuesTensor(prefix + ".weight", conv.weight().dims()));
    graph.put(q.scalesTensor(prefix + ".scale", conv.channelDims()));
    graph.put(Tensors.bytes(prefix + ".zero_point", TensorProto.DataType.UINT8,
        new byte[] {q.zeroPoints()[0]}));
    Optional<String> bias = conv.bias().map(b -> {
      graph.put(GraphProtos.floatTensor(prefix + ".bias", b, conv.channelDims()));
      return prefix + ".bias";
    });
    List<String> x = quantizedActivation(graph, node, conv.input());
    List<NodeProto> nodes = new ArrayList<>();
    nodes.add(onnx("ConvInteger",
        List.of(x.get(0), prefix + ".weight", x.get(2), prefix + ".zero_point"),
        prefix + ".int32").toBuilder().addAllAttribute(node.getAttributeList()).build());
    nodes.addAll(rescale(prefix, x.get(1), bias, conv.output()));
    graph.replace(node, nodes);
    String note = symmetric == options.symmetric()
        ? "" : " (per-channel needs symmetric: ConvInteger takes one weight zero point)";
    return Nodes.changed(
        node, "ConvInteger, " + describe(options.perChannel(), symmetric) + " uint8 weights" + note);
  }

  /** int32 accumulator to float: times activation scale times weight scale, plus bias. */
  private static List<NodeProto> rescale(
      String prefix, String activationScale, Optional<String> bias, String output) {
    String scaled = bias.isPresent() ? prefix + ".scaled" : output;
    List<NodeProto> nodes = new ArrayList<>(List.of(
        onnx("Cast", List.of(prefix + ".int32"), prefix + ".float",
            GraphProtos.intAttribute("to", TensorProto.DataType.FLOAT.getNumber())),
        onnx("Mul", List.of(activationScale, prefix + ".scale"), prefix + ".combined_scale"),
        onnx("Mul", List.of(prefix + ".float", prefix + ".combined_scale"), scaled)));
    bias.ifPresent(b -> nodes.add(onnx("Add", List.of(scaled, b), output)));
    return nodes;
  }

  /** The uint8 form of an activation, quantizing it once for all nodes that read it. */
  private List<String> quantizedActivation(GraphEditor graph, NodeProto consumer, String input) {
    return quantized.computeIfAbsent(input, name -> {
      String prefix = graph.fresh(name + ".dynamic_q");
      List<String> outputs = List.of(prefix, prefix + ".scale", prefix + ".zero_point");
      graph.insertBefore(consumer,
          List.of(onnx("DynamicQuantizeLinear", List.of(name), outputs)));
      return outputs;
    });
  }

  private String weights() {
    return describe(options.perChannel(), options.symmetric()) + " weights";
  }

  private static String describe(boolean perChannel, boolean symmetric) {
    return (perChannel ? "per-channel" : "per-tensor")
        + (symmetric ? ", symmetric" : ", asymmetric");
  }
}
