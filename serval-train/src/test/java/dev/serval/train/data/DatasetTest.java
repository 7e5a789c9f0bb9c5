package dev.serval.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DatasetTest {
  @Test
  void bundledDigitsHaveTheUciShape() {
    Dataset digits = Datasets.digits();

    assertThat(digits.rows()).isEqualTo(1797);
    assertThat(digits.featureCount()).isEqualTo(64);
    assertThat(digits.classes()).isEqualTo(10);
    float[] pixels = digits.features();
    Arrays.sort(pixels);
    assertThat(pixels[0]).isZero();
    assertThat(pixels[pixels.length - 1]).isEqualTo(16);
    int[] perClass = new int[10];
    IntStream.range(0, digits.rows()).forEach(r -> perClass[digits.label(r)]++);
    assertThat(Arrays.stream(perClass).min().orElseThrow()).isEqualTo(174);
    assertThat(Arrays.stream(perClass).max().orElseThrow()).isEqualTo(183);
  }

  @Test
  void splitIsDeterministicBySeedAndPartitionsTheRows() {
    Dataset data = indexed(100);

    Split split = data.split(0.2, 0.1, 42);
    Split again = data.split(0.2, 0.1, 42);
    Split other = data.split(0.2, 0.1, 43);

    assertThat(split.train().rows()).isEqualTo(70);
    assertThat(split.validation().rows()).isEqualTo(20);
    assertThat(split.test().rows()).isEqualTo(10);
    assertThat(ids(split.train())).isEqualTo(ids(again.train()));
    assertThat(ids(split.test())).isEqualTo(ids(again.test()));
    assertThat(ids(split.train())).isNotEqualTo(ids(other.train()));
    Set<Float> all = new HashSet<>();
    for (Dataset part : new Dataset[] {split.train(), split.validation(), split.test()}) {
      for (float id : ids(part)) {
        assertThat(all.add(id)).as("row %s in one part only", id).isTrue();
      }
    }
    assertThat(all).hasSize(100);
  }

  @Test
  void subsetsKeepTheClassCountOfTheWhole() {
    Dataset data = Dataset.classification(new float[] {0, 1, 2}, 1, new int[] {0, 1, 2});

    assertThat(data.subset(new int[] {0}).classes()).isEqualTo(3);
  }

  @Test
  void rejectsNonFiniteFeaturesAndLabelsOutOfRange() {
    assertThatThrownBy(() -> Dataset.classification(new float[] {1, Float.NaN}, 2, new int[] {0}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("feature 1 of row 0 must be a finite number but was NaN");
    assertThatThrownBy(() -> Dataset.classification(new float[] {1}, 1, new int[] {3}, 2))
        .hasMessageContaining("label of row 0 must be in [0, 2) but was 3");
    assertThatThrownBy(() -> Dataset.regression(new float[] {1, 2, 3}, 2, new float[] {1, 2}, 1))
        .hasMessageContaining("features has 3 values but 2 rows of 2 features need 4");
    assertThatThrownBy(() -> indexed(10).split(0.5, 0.5, 1))
        .hasMessageContaining("sum below 1");
  }

  /** Rows whose single feature is their index. */
  private static Dataset indexed(int rows) {
    float[] x = new float[rows];
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) {
      x[i] = i;
      labels[i] = i % 3;
    }
    return Dataset.classification(x, 1, labels);
  }

  private static float[] ids(Dataset data) {
    float[] ids = data.features();
    Arrays.sort(ids);
    return ids;
  }
}
