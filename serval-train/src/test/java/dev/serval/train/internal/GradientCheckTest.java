package dev.serval.train.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Each layer's backward pass against central finite differences of L = sum(r * forward(x)) for
 * a fixed random r: the input gradient and every parameter gradient.
 */
class GradientCheckTest {
  private static final int ROWS = 4;

  @Test
  void denseGradientsMatchFiniteDifferences() {
    check(() -> Dense.create("d", 6, 5, 0.5, new SplittableRandom(1)), inputs(6, 2));
  }

  @Test
  void factorizationMachineGradientsMatchFiniteDifferences() {
    check(() -> Factorization.create("fm", 6, 3, 4, 0.5, new SplittableRandom(2)), inputs(6, 3));
  }

  @Test
  void batchNormGradientsMatchFiniteDifferences() {
    BatchNorm norm = new BatchNorm("n", 5);
    SplittableRandom random = new SplittableRandom(3);
    for (Param param : norm.params()) {
      float[] value = param.value();
      for (int i = 0; i < value.length; i++) {
        value[i] = (float) random.nextDouble(0.5, 1.5);
      }
    }
    check(() -> norm, inputs(5, 4));
  }

  @Test
  void reluGradientsMatchFiniteDifferences() {
    check(() -> ActivationLayer.relu(7), awayFromZero(inputs(7, 5)));
  }

  @Test
  void tanhGradientsMatchFiniteDifferences() {
    check(() -> ActivationLayer.tanh(7), inputs(7, 6));
  }

  @Test
  void affineGradientsMatchFiniteDifferences() {
    check(() -> Affine.standardizing("s", inputs(3, 7), ROWS), inputs(3, 8));
  }

  @Test
  void convolutionGradientsMatchFiniteDifferences() {
    SplittableRandom random = new SplittableRandom(9);
    check(() -> {
      Conv2d conv = new Conv2d("c", new int[] {2, 4, 5}, 3, random);
      float[] bias = conv.params().get(1).value();
      for (int i = 0; i < bias.length; i++) {
        bias[i] = (float) random.nextDouble(-1, 1);
      }
      return conv;
    }, inputs(2 * 4 * 5, 10));
  }

  @Test
  void maxPoolGradientsMatchFiniteDifferences() {
    // distinct values at least 0.1 apart, so a finite-difference step never changes a winner
    int width = 3 * 4 * 6;
    float[] x = new float[ROWS * width];
    int[] order = Sampling.permutation(x.length, new SplittableRandom(11));
    for (int i = 0; i < x.length; i++) {
      x[i] = order[i] * 0.1f;
    }
    check(() -> new MaxPool2d(new int[] {3, 4, 6}), x);
  }

  @Test
  void dropoutBackwardUsesTheMaskOfItsForwardAndEvaluationIsIdentity() {
    Dropout dropout = new Dropout(50, 0.3, new SplittableRandom(12));
    float[] x = awayFromZero(inputs(50, 13));
    float[] g = inputs(50, 14);

    float[] y = dropout.forward(x, ROWS, true);
    float[] dx = dropout.backward(g, ROWS);

    int dropped = 0;
    for (int i = 0; i < x.length; i++) {
      float mask = y[i] / x[i];
      assertThat(mask).satisfiesAnyOf(
          m -> assertThat(m).isZero(), m -> assertThat(m).isCloseTo(1 / 0.7f, within(1e-5f)));
      assertThat(dx[i]).isCloseTo(g[i] * mask, within(1e-5f));
      dropped += mask == 0 ? 1 : 0;
    }
    assertThat(dropped).isBetween(40, 80); // 30% of 200, with room for chance
    assertThat(dropout.forward(x, ROWS, false)).containsExactly(x);
  }

  @Test
  void parameterGradientsWithoutTheInputGradientAreTheSame() {
    assertSameParameterGradients(() -> Dense.create("d", 6, 5, 0.5, new SplittableRandom(1)),
        inputs(6, 2));
    assertSameParameterGradients(() -> new Conv2d("c", new int[] {2, 4, 5}, 3,
        new SplittableRandom(9)), inputs(2 * 4 * 5, 10));
    assertSameParameterGradients(
        () -> Factorization.create("fm", 6, 3, 4, 0.5, new SplittableRandom(2)), inputs(6, 3));
  }

  /** {@link Layer#backwardToParams} adds exactly the parameter gradients {@code backward} does. */
  private static void assertSameParameterGradients(Supplier<Layer> factory, float[] x) {
    Layer full = factory.get();
    Layer paramsOnly = factory.get();
    float[] r = inputs(full.outputWidth(), 99);
    full.forward(x, ROWS, true);
    full.backward(r, ROWS);
    paramsOnly.forward(x, ROWS, true);
    paramsOnly.backwardToParams(r, ROWS);
    for (int p = 0; p < full.params().size(); p++) {
      float[] expected = full.params().get(p).grad();
      assertThat(expected).as("parameter %s", p).isNotEqualTo(new float[expected.length]);
      assertThat(paramsOnly.params().get(p).grad()).as("parameter %s", p)
          .containsExactly(expected);
    }
  }

  /** Compares analytic and numeric gradients of L = sum(r * layer(x)) in training mode. */
  private static void check(Supplier<Layer> factory, float[] x) {
    Layer layer = factory.get();
    float[] r = inputs(layer.outputWidth(), 99);
    layer.forward(x, ROWS, true);
    float[] dx = layer.backward(r, ROWS);
    assertMatches("input", dx, x, () -> objective(layer, x, r));
    for (Param param : layer.params()) {
      assertMatches("parameter", param.grad(), param.value(), () -> objective(layer, x, r));
    }
  }

  private static void assertMatches(String what, float[] analytic, float[] values,
      DoubleSupplier objective) {
    for (int i = 0; i < values.length; i++) {
      double numeric = FiniteDifference.central(values, i, objective);
      assertThat((double) analytic[i]).as("%s gradient %s", what, i)
          .isCloseTo(numeric, within(2e-3 + 1e-2 * Math.abs(numeric)));
    }
  }

  private static double objective(Layer layer, float[] x, float[] r) {
    float[] y = layer.forward(x, ROWS, true);
    double sum = 0;
    for (int i = 0; i < y.length; i++) {
      sum += (double) r[i] * y[i];
    }
    return sum;
  }

  static float[] inputs(int width, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[ROWS * width];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble(-1, 1);
    }
    return x;
  }

  /** Moves values within 0.1 of zero away from it, where ReLU has its kink. */
  private static float[] awayFromZero(float[] x) {
    for (int i = 0; i < x.length; i++) {
      if (Math.abs(x[i]) < 0.1f) {
        x[i] += Math.copySign(0.2f, x[i]);
      }
    }
    return x;
  }

  @Test
  void everyLayerListsItsParametersInItsState() {
    Dense dense = Dense.create("d", 2, 2, 1, new SplittableRandom(1));
    BatchNorm norm = new BatchNorm("n", 2);

    assertThat(dense.state()).hasSize(2);
    assertThat(norm.state()).hasSize(4).containsAll(
        List.of(norm.params().get(0).value(), norm.params().get(1).value()));
  }
}
