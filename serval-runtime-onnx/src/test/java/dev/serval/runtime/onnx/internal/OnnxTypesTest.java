package dev.serval.runtime.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import dev.serval.core.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Pins the name-derived mapping, which an ONNX Runtime upgrade could otherwise shift unnoticed. */
class OnnxTypesTest {
  @ParameterizedTest
  @EnumSource(DataType.class)
  void readsBackEveryDatatypeFromTheRuntimeTypeOfItsOnnxType(DataType type) {
    OnnxTensorType runtime =
        OnnxTensorType.valueOf("ONNX_TENSOR_ELEMENT_DATA_TYPE_" + OnnxTypes.toProto(type).name());

    assertThat(OnnxTypes.fromRuntime(runtime)).contains(type);
  }

  @ParameterizedTest
  @CsvSource({"UINT16, INT16", "UINT32, INT32", "UINT64, INT64"})
  void feedsWideUnsignedTypesAsTheSignedTypeOfTheSameWidth(DataType type, String signed) {
    assertThat(OnnxTypes.isFedAsSigned(type)).isTrue();
    assertThat(OnnxTypes.feedType(type)).isEqualTo(OnnxJavaType.valueOf(signed));
    assertThat(OnnxTypes.signedProto(type)).isEqualTo(TensorProto.DataType.valueOf(signed));
  }

  @Test
  void namesTheOnnxTypesWhoseNamesDifferFromTheProtocol() {
    assertThat(OnnxTypes.toProto(DataType.FP16)).isEqualTo(TensorProto.DataType.FLOAT16);
    assertThat(OnnxTypes.toProto(DataType.FP32)).isEqualTo(TensorProto.DataType.FLOAT);
    assertThat(OnnxTypes.toProto(DataType.FP64)).isEqualTo(TensorProto.DataType.DOUBLE);
    assertThat(OnnxTypes.toProto(DataType.BYTES)).isEqualTo(TensorProto.DataType.STRING);
    assertThat(OnnxTypes.feedType(DataType.BYTES)).isEqualTo(OnnxJavaType.STRING);
  }

  @Test
  void refusesASignedTypeForTypesFedAsThemselves() {
    assertThat(OnnxTypes.isFedAsSigned(DataType.UINT8)).isFalse();
    assertThat(OnnxTypes.feedType(DataType.UINT8)).isEqualTo(OnnxJavaType.UINT8);
    assertThatThrownBy(() -> OnnxTypes.signedProto(DataType.INT32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("INT32");
  }

  @Test
  void hasNoDatatypeForRuntimeTypesServalDoesNotSupport() {
    assertThat(OnnxTypes.fromRuntime(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16))
        .isEmpty();
  }
}
