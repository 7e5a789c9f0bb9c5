package dev.serval.train;

import static dev.serval.train.Digits.SPLIT;
import static dev.serval.train.Digits.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FineTuningTest {
  private static final float[] SCALE = filled(64, 1 / 16f);
  private static final float[] SHIFT = filled(64, -0.5f);

  @Test
  void trainsLinearLayersAndKeepsScalingsAndMissingBiases() {
    List<LayerWeights> layers = List.of(
        new LayerWeights.Scaling("standardize", SCALE, SHIFT),
        new LayerWeights.Linear("first", 64, 16, random(16 * 64, 0.3, 1), null),
        new LayerWeights.Nonlinear(Activation.RELU, 16),
        new LayerWeights.Linear("second", 16, 10, random(10 * 16, 0.5, 2), new float[10]));

    FineTuning.Result result = FineTuning.fit(layers, options(3).build(), SPLIT.train(),
        SPLIT.validation(), epoch -> { });

    assertThat(result.after().metric()).isGreaterThan(result.before().metric() + 0.3);
    assertThat(result.history()).hasSize(3);
    assertThat(result.keptEpoch()).isBetween(1, 3);
    LayerWeights.Scaling scaling = (LayerWeights.Scaling) result.layers().get(0);
    assertThat(scaling.scale()).containsExactly(SCALE);
    assertThat(scaling.shift()).containsExactly(SHIFT);
    LayerWeights.Linear first = (LayerWeights.Linear) result.layers().get(1);
    assertThat(first.bias()).isNull();
    assertThat(first.weight()).isNotEqualTo(((LayerWeights.Linear) layers.get(1)).weight());
    assertThat(((LayerWeights.Linear) result.layers().get(3)).bias()).isNotEqualTo(new float[10]);
  }

  @Test
  void refusesALinearLayerWhoseWeightDoesNotMatchItsSize() {
    assertThatThrownBy(() -> new LayerWeights.Linear("odd", 3, 2, new float[5], null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("weight of odd must hold 2 x 3 values but has 5");
  }

  private static float[] filled(int count, float value) {
    float[] values = new float[count];
    Arrays.fill(values, value);
    return values;
  }

  private static float[] random(int count, double limit, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) random.nextDouble(-limit, limit);
    }
    return values;
  }
}
