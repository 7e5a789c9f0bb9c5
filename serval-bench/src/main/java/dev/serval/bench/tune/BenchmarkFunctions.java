package dev.serval.bench.tune;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.FloatParam;
import dev.serval.tune.IntParam;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Trial;
import java.util.List;
import java.util.Map;

/**
 * The four functions of issue 6. bench/tune/optuna_compare.py defines the same ones for Optuna;
 * a change here must be made there too.
 */
public final class BenchmarkFunctions {
  static final double[] HARTMANN_ALPHA = {1.0, 1.2, 3.0, 3.2};
  static final double[][] HARTMANN_A = {
      {10, 3, 17, 3.5, 1.7, 8},
      {0.05, 10, 17, 0.1, 8, 14},
      {3, 3.5, 1.7, 10, 17, 8},
      {17, 8, 0.05, 10, 0.1, 14}};
  static final double[][] HARTMANN_P = {
      {0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
      {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
      {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
      {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
  /** The mixed space's penalty per activation; relu is the best. */
  static final Map<String, Double> ACTIVATION_PENALTY =
      Map.of("relu", 0.0, "tanh", 0.5, "sigmoid", 1.0);

  private BenchmarkFunctions() {}

  /** Branin, Hartmann-6, Rosenbrock-4 and the mixed log/int/categorical space, in that order. */
  public static List<BenchmarkFunction> all() {
    return List.of(branin(), hartmann6(), rosenbrock4(), mixed());
  }

  static BenchmarkFunction branin() {
    SearchSpace space = SearchSpace.builder()
        .add(FloatParam.uniform("x0", -5, 10))
        .add(FloatParam.uniform("x1", 0, 15))
        .build();
    return new BenchmarkFunction("branin", space, 0.397887,
        t -> branin(t.doubleParam("x0"), t.doubleParam("x1")));
  }

  static BenchmarkFunction hartmann6() {
    return new BenchmarkFunction("hartmann6", cube(6, 0, 1), -3.32237,
        t -> hartmann6(vector(t, 6)));
  }

  /** On [-5, 10]^4, the usual Rosenbrock domain (not the narrower [-2.048, 2.048]^4). */
  static BenchmarkFunction rosenbrock4() {
    return new BenchmarkFunction("rosenbrock4", cube(4, -5, 10), 0,
        t -> rosenbrock(vector(t, 4)));
  }

  /**
   * A synthetic training loss: best at lr = 10^-2.5, 5 layers and relu (value 0); a bowl in
   * log10(lr), a shallower one in layers, and a fixed penalty for each other activation.
   */
  static BenchmarkFunction mixed() {
    SearchSpace space = SearchSpace.builder()
        .add(FloatParam.logUniform("lr", 1e-4, 1))
        .add(IntParam.of("layers", 1, 8))
        .add(CategoricalParam.of("act", "relu", "tanh", "sigmoid"))
        .build();
    return new BenchmarkFunction("mixed", space, 0,
        t -> mixed(t.doubleParam("lr"), t.intParam("layers"), t.stringParam("act")));
  }

  static double branin(double x0, double x1) {
    double b = 5.1 / (4 * Math.PI * Math.PI);
    double c = 5 / Math.PI;
    double t = 1 / (8 * Math.PI);
    double inner = x1 - b * x0 * x0 + c * x0 - 6;
    return inner * inner + 10 * (1 - t) * Math.cos(x0) + 10;
  }

  static double hartmann6(double[] x) {
    double sum = 0;
    for (int i = 0; i < HARTMANN_ALPHA.length; i++) {
      double exponent = 0;
      for (int j = 0; j < x.length; j++) {
        double d = x[j] - HARTMANN_P[i][j];
        exponent += HARTMANN_A[i][j] * d * d;
      }
      sum += HARTMANN_ALPHA[i] * Math.exp(-exponent);
    }
    return -sum;
  }

  static double rosenbrock(double[] x) {
    double sum = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double valley = x[i + 1] - x[i] * x[i];
      sum += 100 * valley * valley + (1 - x[i]) * (1 - x[i]);
    }
    return sum;
  }

  static double mixed(double lr, int layers, String activation) {
    double logGap = Math.log10(lr) + 2.5;
    double layerGap = layers - 5;
    return logGap * logGap + 0.1 * layerGap * layerGap + ACTIVATION_PENALTY.get(activation);
  }

  private static SearchSpace cube(int dimensions, double low, double high) {
    SearchSpace.Builder builder = SearchSpace.builder();
    for (int i = 0; i < dimensions; i++) {
      builder.add(FloatParam.uniform("x" + i, low, high));
    }
    return builder.build();
  }

  private static double[] vector(Trial trial, int dimensions) {
    double[] x = new double[dimensions];
    for (int i = 0; i < dimensions; i++) {
      x[i] = trial.doubleParam("x" + i);
    }
    return x;
  }
}
