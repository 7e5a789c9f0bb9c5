package dev.serval.runtime.onnx;

import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Builders for test tensors and model files. */
final class TestTensors {
  private TestTensors() {}

  static Tensor fp32(String name, long[] shape, float... values) {
    ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    data.asFloatBuffer().put(values);
    return Tensor.of(name, DataType.FP32, Shape.of(shape), data);
  }

  static float[] floats(Tensor tensor) {
    float[] values = new float[(int) tensor.shape().elementCount()];
    tensor.data().asFloatBuffer().get(values);
    return values;
  }

  static byte[] bytes(Tensor tensor) {
    ByteBuffer data = tensor.data();
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    return bytes;
  }

  static Path writeModel(Path folder, byte[] model) {
    Path file = folder.resolve("model.onnx");
    SampleModels.write(model, file);
    return file;
  }

  static long[] dims(long... dims) {
    return dims;
  }
}
