package dev.serval.server.grpc.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.serval.core.DataType;
import dev.serval.core.Tensor;
import dev.serval.grpc.api.ModelInferResponse;
import dev.serval.grpc.api.ModelInferResponse.InferOutputTensor;
import dev.serval.server.api.internal.BinaryTensorData;
import dev.serval.serving.InferenceResult;

/**
 * Encodes an {@link InferenceResult} as Triton does by default: every output's elements in
 * {@code raw_output_contents} (little-endian, BYTES length-prefixed), none in typed contents.
 */
final class InferResponses {
  private InferResponses() {}

  static ModelInferResponse write(InferenceResult result) {
    ModelInferResponse.Builder response =
        ModelInferResponse.newBuilder()
            .setModelName(result.model())
            .setModelVersion(result.version());
    if (result.id() != null) {
      response.setId(result.id());
    }
    for (Tensor output : result.outputs()) {
      InferOutputTensor.Builder tensor =
          response.addOutputsBuilder()
              .setName(output.name())
              .setDatatype(output.datatype().name());
      for (long dim : output.shape().dims()) {
        tensor.addShape(dim);
      }
      response.addRawOutputContents(raw(output));
    }
    return response.build();
  }

  private static ByteString raw(Tensor output) {
    if (output.datatype() == DataType.BYTES) {
      // A fresh array that nothing else holds, so it can be wrapped instead of copied.
      return UnsafeByteOperations.unsafeWrap(BinaryTensorData.writeStrings(output.strings()));
    }
    return ByteString.copyFrom(output.data());
  }
}
