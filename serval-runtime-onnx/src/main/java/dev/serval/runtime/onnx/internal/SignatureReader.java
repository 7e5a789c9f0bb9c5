package dev.serval.runtime.onnx.internal;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.serval.core.DataType;
import dev.serval.core.ModelLoadException;
import dev.serval.core.Shape;
import dev.serval.core.Signature;
import dev.serval.core.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A session's inputs and outputs as a {@link Signature}, rejecting what Serval cannot serve. */
public final class SignatureReader {
  private SignatureReader() {}

  /**
   * The session's signature; unknown and symbolic dimensions become -1.
   *
   * @param model names the model in error messages
   * @throws ModelLoadException when an input or output is not a tensor or has an element type
   *     that Serval does not support
   */
  public static Signature read(OrtSession session, String model) throws OrtException {
    return new Signature(
        specs(session.getInputInfo(), "input", model),
        specs(session.getOutputInfo(), "output", model));
  }

  private static List<TensorSpec> specs(Map<String, NodeInfo> infos, String role, String model) {
    List<TensorSpec> specs = new ArrayList<>(infos.size());
    for (NodeInfo node : infos.values()) {
      ValueInfo info = node.getInfo();
      if (!(info instanceof TensorInfo)) {
        throw new ModelLoadException("model " + model + ": " + role + " '" + node.getName()
            + "' is a " + kind(info) + ", but Serval serves only tensors");
      }
      TensorInfo tensor = (TensorInfo) info;
      DataType type = OnnxTypes.fromRuntime(tensor.onnxType).orElseThrow(() ->
          new ModelLoadException("model " + model + ": " + role + " '" + node.getName()
              + "' has element type " + OnnxTypes.describe(tensor.onnxType)
              + ", which Serval does not support"));
      specs.add(new TensorSpec(node.getName(), type, Shape.ofSignature(tensor.getShape())));
    }
    return specs;
  }

  private static String kind(ValueInfo info) {
    if (info instanceof SequenceInfo) {
      return "sequence";
    }
    if (info instanceof MapInfo) {
      return "map";
    }
    return "value of kind " + info;
  }
}
