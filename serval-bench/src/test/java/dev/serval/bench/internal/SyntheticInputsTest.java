package dev.serval.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticInputsTest {
  @Test
  void setsRowsInTheFirstDynamicDimensionAndOneInTheOthers() {
    assertThat(SyntheticInputs.concreteShape(Shape.ofSignature(-1, 3, -1), 8))
        .isEqualTo(Shape.of(8, 3, 1));
    assertThat(SyntheticInputs.concreteShape(Shape.ofSignature(2, -1), 8))
        .isEqualTo(Shape.of(2, 1));
  }

  @Test
  void sameSeedGivesSameDataAndFloatsStayInRange() {
    List<TensorSpec> specs = List.of(new TensorSpec("x", DataType.FP32, Shape.ofSignature(-1, 16)));

    Tensor first = SyntheticInputs.create(specs, 4, 9).get(0);
    Tensor again = SyntheticInputs.create(specs, 4, 9).get(0);

    assertThat(first.data()).isEqualTo(again.data());
    assertThat(first.shape()).isEqualTo(Shape.of(4, 16));
    var floats = first.data().asFloatBuffer();
    while (floats.hasRemaining()) {
      assertThat(floats.get()).isBetween(-1f, 1f);
    }
  }

  @Test
  void fillsEveryFixedSizeDatatype() {
    for (DataType type : DataType.values()) {
      if (!type.isFixedSize()) {
        continue;
      }
      Tensor tensor = SyntheticInputs.create(
          List.of(new TensorSpec("x", type, Shape.ofSignature(-1, 5))), 3, 1).get(0);

      assertThat(tensor.byteCount()).as("%s", type).isEqualTo(15L * type.byteSize());
    }
  }

  @Test
  void rejectsStringInputsAndNonPositiveRows() {
    List<TensorSpec> strings = List.of(new TensorSpec("s", DataType.BYTES, Shape.ofSignature(-1)));
    assertThatThrownBy(() -> SyntheticInputs.create(strings, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'s' is BYTES");
    assertThatThrownBy(() -> SyntheticInputs.create(List.of(), 0, 1))
        .hasMessageContaining("rows must be > 0 but was 0");
  }
}
