package dev.serval.train.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LossesTest {
  private static final int ROWS = 4;
  private static final int WIDTH = 5;

  @Test
  void crossEntropyOfOneHotTargetsIsMinusLogProbabilityOfTheLabel() {
    float[] logits = {1, 2, 3};
    float[] target = {0, 0, 1};

    double loss = Losses.softCrossEntropy(logits, target, 1, 3, 1, 1, new float[3]);

    double expected = -Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
    assertThat(loss).isCloseTo(expected, within(1e-6));
  }

  @Test
  void distillationTermIsTemperatureSquaredTimesKlDivergence() {
    float[] student = {0.5f, -1, 2};
    float[] teacherLogits = {1, 0, 1.5f};
    double t = 3;
    float[] teacher = Losses.softmax(teacherLogits, 1, 3, t);
    float[] q = Losses.softmax(student, 1, 3, t);

    double loss = Losses.softCrossEntropy(student, teacher, 1, 3, t, 0.25, new float[3]);

    double kl = 0;
    for (int k = 0; k < 3; k++) {
      kl += teacher[k] * Math.log(teacher[k] / q[k]);
    }
    assertThat(loss).isCloseTo(0.25 * t * t * kl, within(1e-6));
  }

  @Test
  void huberIsHalfTheSquareWithinDeltaAndLinearBeyondWithAClippedGradient() {
    float[] output = {0.5f, 3, -4};
    float[] target = {0, 0, 0};
    float[] grad = new float[3];

    double loss = Losses.huber(output, target, 1, 3, 1, grad);

    assertThat(loss).isCloseTo((0.125 + 2.5 + 3.5) / 3, within(1e-6));
    assertThat(grad).containsExactly(0.5f / 3, 1f / 3, -1f / 3);
  }

  @ParameterizedTest
  @ValueSource(doubles = {1, 2.5, 6})
  void softCrossEntropyGradientMatchesFiniteDifferences(double temperature) {
    float[] logits = GradientCheckTest.inputs(WIDTH, 1);
    float[] targets = Losses.softmax(GradientCheckTest.inputs(WIDTH, 2), ROWS, WIDTH, 0.7);
    float[] grad = new float[logits.length];
    Losses.softCrossEntropy(logits, targets, ROWS, WIDTH, temperature, 0.6, grad);

    for (int i = 0; i < logits.length; i++) {
      double numeric = FiniteDifference.central(logits, i,
          () -> Losses.softCrossEntropy(logits, targets, ROWS, WIDTH, temperature, 0.6,
              new float[logits.length]));
      assertThat((double) grad[i]).isCloseTo(numeric, within(1e-3));
    }
  }

  @Test
  void squaredErrorGradientMatchesFiniteDifferences() {
    float[] output = GradientCheckTest.inputs(WIDTH, 3);
    float[] targets = GradientCheckTest.inputs(WIDTH, 4);
    float[] grad = new float[output.length];
    Losses.squaredError(output, targets, ROWS, WIDTH, 1, grad);

    for (int i = 0; i < output.length; i++) {
      double numeric = FiniteDifference.central(output, i,
          () -> Losses.squaredError(output, targets, ROWS, WIDTH, 1, new float[output.length]));
      assertThat((double) grad[i]).isCloseTo(numeric, within(1e-3));
    }
  }
}
