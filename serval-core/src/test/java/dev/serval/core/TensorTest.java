package dev.serval.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TensorTest {

  @Test
  void rejectsDataWhoseByteCountDoesNotMatchShape() {
    ByteBuffer sixFloats = ByteBuffer.allocate(24);
    assertThatThrownBy(() -> Tensor.of("x", DataType.FP32, Shape.of(2, 2), sixFloats))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'x'")
        .hasMessageContaining("16 bytes")
        .hasMessageContaining("24");
  }

  @Test
  void exposesLittleEndianReadOnlyView() {
    ByteBuffer bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putFloat(1.5f).putFloat(-2f).flip();
    Tensor tensor = Tensor.of("x", DataType.FP32, Shape.of(2), bytes);

    ByteBuffer view = tensor.data();
    assertThat(view.isReadOnly()).isTrue();
    assertThat(view.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    assertThat(view.getFloat(0)).isEqualTo(1.5f);
    assertThat(view.getFloat(4)).isEqualTo(-2f);
    assertThat(tensor.byteCount()).isEqualTo(8);
  }

  @Test
  void viewsDoNotShareReadPosition() {
    ByteBuffer bytes = ByteBuffer.allocate(4);
    Tensor tensor = Tensor.of("x", DataType.INT32, Shape.of(1), bytes);
    tensor.data().getInt();
    assertThat(tensor.data().remaining()).isEqualTo(4);
  }

  @Test
  void rejectsStringCountThatDoesNotMatchShape() {
    byte[][] one = {"a".getBytes(StandardCharsets.UTF_8)};
    assertThatThrownBy(() -> Tensor.ofStrings("s", Shape.of(2), one))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("2 elements");
  }

  @Test
  void bytesTensorRefusesNumericAccessAndViceVersa() {
    Tensor strings = Tensor.ofStrings("s", Shape.of(1), new byte[][] {{1, 2}});
    assertThatThrownBy(strings::data).isInstanceOf(IllegalStateException.class);
    assertThat(strings.byteCount()).isEqualTo(2);
    Tensor numbers = Tensor.of("n", DataType.UINT8, Shape.of(1), ByteBuffer.allocate(1));
    assertThatThrownBy(numbers::strings).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void datatypeNamesParseCaseInsensitivelyAndUnknownNamesAreRejected() {
    assertThat(DataType.fromName("fp16")).isEqualTo(DataType.FP16);
    assertThatThrownBy(() -> DataType.fromName("FLOAT"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'FLOAT'");
  }

  @Test
  void signatureIsBatchableOnlyWhenEveryTensorHasDynamicFirstDimension() {
    TensorSpec dynamicIn = new TensorSpec("in", DataType.FP32, Shape.ofSignature(-1, 4));
    TensorSpec dynamicOut = new TensorSpec("out", DataType.FP32, Shape.ofSignature(-1, 2));
    TensorSpec fixedOut = new TensorSpec("out", DataType.FP32, Shape.ofSignature(1, 2));
    assertThat(new Signature(java.util.List.of(dynamicIn), java.util.List.of(dynamicOut))
        .isBatchable()).isTrue();
    assertThat(new Signature(java.util.List.of(dynamicIn), java.util.List.of(fixedOut))
        .isBatchable()).isFalse();
  }
}
