package dev.serval.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.Test;

class GraphProtosTest {
  @Test
  void readsBackFloatsStoredAsRawData() {
    float[] values = {1.5f, -2.25f, 0f, Float.MIN_VALUE};

    assertThat(GraphProtos.floatValues(GraphProtos.floatTensor("w", values, 2, 2)))
        .containsExactly(values);
  }

  @Test
  void readsFloatsStoredInFloatData() {
    TensorProto tensor = TensorProto.newBuilder().setName("w")
        .setDataType(TensorProto.DataType.FLOAT.getNumber()).addDims(3)
        .addFloatData(3f).addFloatData(-1f).addFloatData(0.5f).build();

    assertThat(GraphProtos.floatValues(tensor)).containsExactly(3f, -1f, 0.5f);
  }

  @Test
  void refusesTensorsOfOtherTypesNamingThem() {
    TensorProto tensor = TensorProto.newBuilder().setName("shape")
        .setDataType(TensorProto.DataType.INT64.getNumber()).addInt64Data(4).build();

    assertThatThrownBy(() -> GraphProtos.floatValues(tensor))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'shape'");
  }
}
