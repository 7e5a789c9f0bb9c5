package dev.serval.tune.sampler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MarginalLikelihoodFitTest {
  private static final SplittableRandom RANDOM = new SplittableRandom(4);

  private static double[][] points(int n, int dims) {
    double[][] x = new double[n][dims];
    for (double[] row : x) {
      for (int d = 0; d < dims; d++) {
        row[d] = RANDOM.nextDouble();
      }
    }
    return x;
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    double[][] x = points(15, 3);
    double[] y = new double[15];
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.sin(6 * x[i][0]) + x[i][1];
    }
    MarginalLikelihoodFit fit = new MarginalLikelihoodFit(x, y);
    double[] theta = {Math.log(0.3), Math.log(0.7), Math.log(1.5), 0.2, Math.log(1e-3)};
    double[] gradient = new double[theta.length];
    fit.negativeLogPosterior(theta, gradient);

    for (int i = 0; i < theta.length; i++) {
      double h = 1e-6;
      double[] up = theta.clone();
      double[] down = theta.clone();
      up[i] += h;
      down[i] -= h;
      double numeric = (fit.negativeLogPosterior(up, new double[theta.length])
          - fit.negativeLogPosterior(down, new double[theta.length])) / (2 * h);
      assertThat(gradient[i]).as("d/dtheta_%d", i).isCloseTo(numeric, within(1e-4));
    }
  }

  @Test
  void learnsALongLengthScaleForAnIrrelevantDimension() {
    double[][] x = points(40, 2);
    double[] y = new double[40];
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.sin(8 * x[i][0]);
    }
    GpHyperparameters h = new MarginalLikelihoodFit(x, y)
        .fit(List.of(GpHyperparameters.initial(2)), 100);

    assertThat(h.logLengthScales()[1]).isGreaterThan(h.logLengthScales()[0] + 1);
  }

  @Test
  void posteriorInterpolatesObservationsAndIsUnsureFarFromThem() {
    double[][] x = {{0.1}, {0.5}, {0.9}};
    double[] y = {1, -1, 0.5};
    GaussianProcess gp = GaussianProcess.condition(x, y,
        new GpHyperparameters(new double[] {Math.log(0.2)}, 0, Math.log(1e-6)));

    assertThat(gp.predict(new double[] {0.5}).mean()).isCloseTo(-1, within(1e-3));
    assertThat(gp.predict(new double[] {0.5}).variance()).isLessThan(1e-4);
    assertThat(gp.predict(new double[] {0.3}).variance()).isGreaterThan(0.05);
  }
}
