package dev.serval.registry.validation;

import dev.serval.core.Fp16;
import static dev.serval.registry.validation.TestTensors.floats;
import static dev.serval.registry.validation.TestTensors.shape;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Signature;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SmokeRunTest {
  private static final Signature EVERY_TYPE = new Signature(
      Arrays.stream(DataType.values())
          .map(t -> new TensorSpec(t.name(), t, Shape.ofSignature(-1, 3, -1)))
          .toList(),
      List.of());

  @Test
  void generatesOneInputPerSignatureInputWithDynamicDimensionsOfOne() {
    List<Tensor> inputs = SmokeRun.inputs(EVERY_TYPE, 1);

    assertThat(inputs).extracting(Tensor::name)
        .containsExactlyElementsOf(Arrays.stream(DataType.values()).map(Enum::name).toList());
    assertThat(inputs).allSatisfy(t -> assertThat(t.shape()).isEqualTo(Shape.of(1, 3, 1)));
    assertThat(inputs).allSatisfy(t -> assertThat(t.datatype().name()).isEqualTo(t.name()));
  }

  @Test
  void keepsGeneratedValuesSmallAndFinite() {
    for (Tensor input : SmokeRun.inputs(EVERY_TYPE, 2)) {
      DataType type = input.datatype();
      for (int i = 0; i < 3; i++) {
        if (type == DataType.BYTES) {
          assertThat(input.strings()[i]).hasSizeBetween(1, 8);
        } else if (Elements.isReal(type)) {
          assertThat(Elements.real(input.data(), type, i)).isBetween(-1.0, 1.0);
        } else {
          assertThat(Elements.integer(input.data(), type, i)).isBetween(0L, 2L);
        }
      }
    }
  }

  @Test
  void generatesTheSameInputsForTheSameSeed() {
    assertThat(contents(SmokeRun.inputs(EVERY_TYPE, 5)))
        .isEqualTo(contents(SmokeRun.inputs(EVERY_TYPE, 5)))
        .isNotEqualTo(contents(SmokeRun.inputs(EVERY_TYPE, 6)));
  }

  @Test
  void namesTheFirstNonFiniteElementAndCountsThem() {
    Tensor output = floats("p", shape(2, 2), 1, Float.POSITIVE_INFINITY, Float.NaN, 2);

    assertThat(SmokeRun.nonFinite(output))
        .contains("output 'p' has 2 non-finite of 4 values, first Infinity at [0, 1]");
    assertThat(SmokeRun.nonFinite(floats("p", shape(2), 1, -1))).isEmpty();
  }

  @Test
  void findsNonFiniteHalfValues() {
    ByteBuffer data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    data.putShort(Fp16.fromFloat(1)).putShort((short) 0xFC00).flip();

    assertThat(SmokeRun.nonFinite(Tensor.of("h", DataType.FP16, Shape.of(2), data)))
        .contains("output 'h' has 1 non-finite of 2 values, first -Infinity at [1]");
  }

  private static List<String> contents(List<Tensor> tensors) {
    return tensors.stream()
        .map(t -> IntStream.range(0, 3).mapToObj(i -> Elements.format(t, i)).toList().toString())
        .toList();
  }
}
