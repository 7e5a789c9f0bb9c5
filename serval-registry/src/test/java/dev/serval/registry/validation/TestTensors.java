package dev.serval.registry.validation;

import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small tensors for tests. */
final class TestTensors {
  private TestTensors() {}

  static Tensor floats(String name, long[] shape, float... values) {
    ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    data.asFloatBuffer().put(values);
    return Tensor.of(name, DataType.FP32, Shape.of(shape), data);
  }

  static Tensor longs(String name, long[] shape, long... values) {
    ByteBuffer data = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    data.asLongBuffer().put(values);
    return Tensor.of(name, DataType.INT64, Shape.of(shape), data);
  }

  static long[] shape(long... dims) {
    return dims;
  }
}
