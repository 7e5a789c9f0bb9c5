package dev.serval.serving.internal;

import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Signature;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Generated inputs for the warmup run: zeros (empty strings for BYTES), dynamic dims = 1. */
final class WarmupInputs {
  private WarmupInputs() {}

  static List<Tensor> zeros(Signature signature) {
    List<Tensor> inputs = new ArrayList<>(signature.inputs().size());
    for (TensorSpec spec : signature.inputs()) {
      long[] dims = spec.shape().dims();
      for (int i = 0; i < dims.length; i++) {
        dims[i] = spec.shape().isDynamic(i) ? 1 : dims[i];
      }
      Shape shape = Shape.of(dims);
      int count = Math.toIntExact(shape.elementCount());
      if (spec.datatype() == DataType.BYTES) {
        byte[][] empty = new byte[count][];
        Arrays.fill(empty, new byte[0]);
        inputs.add(Tensor.ofStrings(spec.name(), shape, empty));
      } else {
        ByteBuffer zeros =
            ByteBuffer.allocateDirect(count * spec.datatype().byteSize())
                .order(ByteOrder.LITTLE_ENDIAN);
        inputs.add(Tensor.of(spec.name(), spec.datatype(), shape, zeros));
      }
    }
    return inputs;
  }
}
