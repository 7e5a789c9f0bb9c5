package dev.serval.bench.internal;

import com.google.protobuf.ByteString;
import dev.serval.core.Tensor;
import dev.serval.grpc.api.ModelInferRequest;
import dev.serval.grpc.api.ModelInferRequest.InferInputTensor;
import java.util.List;

/** Builds the gRPC load phase's {@code ModelInferRequest} once, before the loop. */
public final class GrpcInferRequests {
  private GrpcInferRequests() {}

  /**
   * A request carrying every input's little-endian bytes in {@code raw_input_contents}, as
   * high-throughput gRPC clients send them.
   *
   * @param version a version or alias, or {@code null} for the model's default
   */
  public static ModelInferRequest modelInfer(String model, String version, List<Tensor> inputs) {
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model);
    if (version != null) {
      request.setModelVersion(version);
    }
    for (Tensor input : inputs) {
      if (!input.datatype().isFixedSize()) {
        throw new IllegalArgumentException("input '" + input.name() + "' is "
            + input.datatype() + "; only fixed-size inputs are sent raw");
      }
      InferInputTensor.Builder tensor = request.addInputsBuilder()
          .setName(input.name())
          .setDatatype(input.datatype().name());
      for (long dim : input.shape().dims()) {
        tensor.addShape(dim);
      }
      request.addRawInputContents(ByteString.copyFrom(input.data()));
    }
    return request.build();
  }
}
