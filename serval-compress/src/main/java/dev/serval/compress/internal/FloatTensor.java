package dev.serval.compress.internal;

import dev.serval.runtime.onnx.GraphProtos;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Optional;

/**
 * A float32 tensor decoded from an initializer, row-major.
 *
 * @param dims its shape
 * @param values its elements, owned by this record's creator (not copied)
 */
public record FloatTensor(String name, long[] dims, float[] values) {
  public FloatTensor {
    long count = 1;
    for (long dim : dims) {
      count *= dim;
    }
    if (count != values.length) {
      throw new IllegalArgumentException("tensor '" + name + "' has " + values.length
          + " values but its shape holds " + count);
    }
  }

  /** The tensor's values when it is a float32 initializer stored in the file itself. */
  public static Optional<FloatTensor> decode(TensorProto tensor) {
    if (tensor.getDataType() != TensorProto.DataType.FLOAT.getNumber()
        || tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      return Optional.empty();
    }
    long[] dims = tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
    return Optional.of(new FloatTensor(tensor.getName(), dims, GraphProtos.floatValues(tensor)));
  }

  public TensorProto encode() {
    return GraphProtos.floatTensor(name, values, dims);
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int index) {
    return Math.toIntExact(dims[index]);
  }
}
