package dev.serval.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShapeTest {

  @Test
  void rejectsNegativeDimensionNamingIt() {
    assertThatThrownBy(() -> Shape.of(2, -3))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("-3")
        .hasMessageContaining("index 1");
  }

  @Test
  void rejectsShapeWhoseElementCountOverflows() {
    assertThatThrownBy(() -> Shape.of(Long.MAX_VALUE, 2))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void signatureShapeAcceptsAnySizeInDynamicDimension() {
    Shape signature = Shape.ofSignature(-1, 4);
    assertThat(signature.accepts(Shape.of(1, 4))).isTrue();
    assertThat(signature.accepts(Shape.of(64, 4))).isTrue();
    assertThat(signature.accepts(Shape.of(1, 5))).isFalse();
    assertThat(signature.accepts(Shape.of(4))).isFalse();
  }

  @Test
  void signatureShapeRejectsDimensionsBelowMinusOne() {
    assertThatThrownBy(() -> Shape.ofSignature(-2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void elementCountIsProductOfDimensionsForRandomShapes() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 1000; i++) {
      long[] dims = new long[random.nextInt(0, 5)];
      long product = 1;
      for (int d = 0; d < dims.length; d++) {
        dims[d] = random.nextInt(0, 20);
        product *= dims[d];
      }
      Shape shape = Shape.of(dims);
      assertThat(shape.elementCount()).isEqualTo(product);
      assertThat(shape.dims()).containsExactly(dims);
      assertThat(shape).isEqualTo(Shape.of(dims.clone()));
    }
  }

  @Test
  void dimsReturnsDefensiveCopy() {
    Shape shape = Shape.of(2, 3);
    shape.dims()[0] = 99;
    assertThat(shape.dim(0)).isEqualTo(2);
  }

  @Test
  void withFirstDimFormsBatchShape() {
    assertThat(Shape.ofSignature(-1, 3).withFirstDim(8)).isEqualTo(Shape.of(8, 3));
  }
}
