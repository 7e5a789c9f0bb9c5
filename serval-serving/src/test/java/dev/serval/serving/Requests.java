package dev.serval.serving;

import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds requests for {@link FakeModel} ("x" FP32 [rows, 2]) and reads float outputs. */
final class Requests {
  private final String model;
  private String version;
  private String id;
  private List<Tensor> inputs;
  private Set<String> outputs = Set.of();
  private Duration timeout;

  private Requests(String model) {
    this.model = model;
  }

  static Requests to(String model) {
    return new Requests(model);
  }

  /** Input x with {@code rows} rows holding first, first + 1, ... */
  Requests rows(int rows, float first) {
    float[] values = new float[rows * 2];
    for (int i = 0; i < values.length; i++) {
      values[i] = first + i;
    }
    return inputs(fp32("x", Shape.of(rows, 2), values));
  }

  Requests inputs(Tensor... tensors) {
    this.inputs = List.of(tensors);
    return this;
  }

  Requests version(String v) {
    this.version = v;
    return this;
  }

  Requests id(String requestId) {
    this.id = requestId;
    return this;
  }

  Requests outputs(String... names) {
    this.outputs = Set.of(names);
    return this;
  }

  Requests timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  InferenceRequest build() {
    return new InferenceRequest(model, version, id, inputs, outputs, Map.of(), timeout);
  }

  static Tensor fp32(String name, Shape shape, float... values) {
    ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    data.asFloatBuffer().put(values);
    return Tensor.of(name, DataType.FP32, shape, data);
  }

  static float[] floats(Tensor tensor) {
    FloatBuffer buffer = tensor.data().asFloatBuffer();
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  static float[] floats(InferenceRequest request) {
    return floats(request.inputs().get(0));
  }
}
