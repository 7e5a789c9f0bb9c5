package dev.serval.train.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class UpdaterTest {
  @Test
  void adamsFirstStepIsTheLearningRateAgainstTheGradientSign() {
    Param param = param(new float[] {1, 1, 1}, true, new float[] {3, -0.01f, 0});
    Updater adam = Updater.adam(List.of(param), 0.1, 0.9, 0.999, 1e-8);

    adam.step(1, 0, 0);

    assertThat(param.value()[0]).isCloseTo(0.9f, within(1e-6f));
    assertThat(param.value()[1]).isCloseTo(1.1f, within(1e-5f));
    assertThat(param.value()[2]).isEqualTo(1f);
    assertThat(param.grad()).containsOnly(0f);
  }

  @Test
  void sgdWithMomentumAccumulatesVelocity() {
    Param param = param(new float[] {0}, true, new float[] {1});
    Updater sgd = Updater.sgd(List.of(param), 0.1, 0.5);

    sgd.step(1, 0, 0);
    param.grad()[0] = 1;
    sgd.step(1, 0, 0);

    // velocity 1, then 0.5 * 1 + 1 = 1.5: steps of 0.1 and 0.15
    assertThat(param.value()[0]).isCloseTo(-0.25f, within(1e-6f));
  }

  @Test
  void gradientsAreScaledAndL2DecaysOnlyWeights() {
    Param weight = param(new float[] {2}, true, new float[] {4});
    Param bias = param(new float[] {2}, false, new float[] {4});
    Updater sgd = Updater.sgd(List.of(weight, bias), 1, 0);

    sgd.step(0.25, 0.5, 0);

    assertThat(weight.value()[0]).isEqualTo(2 - (0.25f * 4 + 0.5f * 2));
    assertThat(bias.value()[0]).isEqualTo(2 - 0.25f * 4);
  }

  @Test
  void l1StopsAtZeroAndKeepsAZeroWeightWhileItsGradientIsSmall() {
    Param crossing = param(new float[] {0.05f}, true, new float[] {0});
    Param resting = param(new float[] {0}, true, new float[] {0.3f});
    Param leaving = param(new float[] {0}, true, new float[] {2});
    Updater sgd = Updater.sgd(List.of(crossing, resting, leaving), 0.1, 0);

    sgd.step(1, 0, 1);

    assertThat(crossing.value()[0]).isZero();
    assertThat(resting.value()[0]).isZero();
    assertThat(leaving.value()[0]).isEqualTo(-0.1f * (2 - 1));
  }

  private static Param param(float[] value, boolean decays, float[] grad) {
    Param param = new Param(value, decays);
    System.arraycopy(grad, 0, param.grad(), 0, grad.length);
    return param;
  }
}
