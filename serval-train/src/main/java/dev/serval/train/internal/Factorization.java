package dev.serval.train.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One second-order factorization machine per output c:
 * {@code y_c = b_c + <w_c, x> + 0.5 * sum_f ((x . V_cf)^2 - (x^2) . (V_cf^2))}, Rendle's O(k n)
 * form of the sum over feature pairs. The factors of all outputs are one matrix V stored
 * {@code [inputs, outputs * factors]} (column {@code c * factors + f}), so that {@code x V} is a
 * single MatMul in the exported graph.
 */
public final class Factorization implements Layer {
  private final String name;
  private final Dense linear;
  private final Param factors;
  private final int inputs;
  private final int outputs;
  private final int k;
  private float[] input;
  private float[] projected;

  private Factorization(String name, Dense linear, float[] factors, int outputs, int k) {
    this.name = name;
    this.linear = linear;
    this.factors = new Param(factors, true);
    this.inputs = linear.inputWidth();
    this.outputs = outputs;
    this.k = k;
  }

  /** Linear weights Xavier-uniform, biases zero, factors normal with {@code std}. */
  public static Factorization create(String name, int inputs, int outputs, int factors,
      double std, SplittableRandom random) {
    Dense linear = Dense.create(name + ".linear", inputs, outputs,
        Math.sqrt(6.0 / (inputs + outputs)), random.split());
    float[] v = new float[inputs * outputs * factors];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (std * Sampling.normal(random));
    }
    return new Factorization(name, linear, v, outputs, factors);
  }

  @Override
  public int inputWidth() {
    return inputs;
  }

  @Override
  public int outputWidth() {
    return outputs;
  }

  @Override
  public float[] forward(float[] x, int rows, boolean training) {
    float[] y = linear.forward(x, rows, training);
    float[] v = factors.value();
    int columns = outputs * k;
    float[] xv = new float[rows * columns];
    for (int n = 0; n < rows; n++) {
      float[] squares = new float[columns];
      for (int i = 0; i < inputs; i++) {
        float xi = x[n * inputs + i];
        if (xi == 0) {
          continue; // sparse inputs, e.g. one-hot features, skip most of the work
        }
        for (int j = 0; j < columns; j++) {
          float vij = v[i * columns + j];
          xv[n * columns + j] += xi * vij;
          squares[j] += xi * xi * vij * vij;
        }
      }
      for (int j = 0; j < columns; j++) {
        float p = xv[n * columns + j];
        y[n * outputs + j / k] += 0.5f * (p * p - squares[j]);
      }
    }
    if (training) {
      input = x;
      projected = xv;
    }
    return y;
  }

  @Override
  public float[] backward(float[] g, int rows) {
    float[] dx = linear.backward(g, rows);
    factorBackward(g, rows, dx);
    return dx;
  }

  @Override
  public void backwardToParams(float[] g, int rows) {
    linear.backwardToParams(g, rows);
    factorBackward(g, rows, null);
  }

  /** Adds the factors' gradient, and their part of the input gradient to {@code dx} unless null. */
  private void factorBackward(float[] g, int rows, float[] dx) {
    float[] v = factors.value();
    float[] dv = factors.grad();
    int columns = outputs * k;
    for (int n = 0; n < rows; n++) {
      for (int i = 0; i < inputs; i++) {
        float xi = input[n * inputs + i];
        for (int j = 0; j < columns; j++) {
          float gc = g[n * outputs + j / k];
          float vij = v[i * columns + j];
          dv[i * columns + j] += gc * (xi * projected[n * columns + j] - xi * xi * vij);
        }
        if (dx != null) {
          float sum = 0;
          for (int j = 0; j < columns; j++) {
            float vij = v[i * columns + j];
            sum += g[n * outputs + j / k] * vij * (projected[n * columns + j] - xi * vij);
          }
          dx[n * inputs + i] += sum;
        }
      }
    }
  }

  @Override
  public List<Param> params() {
    List<Param> params = new ArrayList<>(linear.params());
    params.add(factors);
    return params;
  }

  /**
   * Gemm for the linear part; MatMul with V and with V² for the two sums over features; a
   * MatMul with a block matrix of halves sums each output's factors.
   */
  @Override
  public String export(OnnxGraph graph, String x, String output) {
    int columns = outputs * k;
    float[] v = factors.value();
    float[] squared = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      squared[i] = v[i] * v[i];
    }
    float[] halves = new float[columns * outputs];
    for (int j = 0; j < columns; j++) {
      halves[j * outputs + j / k] = 0.5f;
    }
    String lin = linear.export(graph, x, name + ".linear");
    String xv = graph.node("MatMul",
        List.of(x, graph.floats(name + ".factors", v, inputs, columns)), name + ".xv");
    String xvSquared = graph.node("Mul", List.of(xv, xv), name + ".xv_squared");
    String xSquared = graph.node("Mul", List.of(x, x), name + ".x_squared");
    String sumOfSquares = graph.node("MatMul",
        List.of(xSquared, graph.floats(name + ".factors_squared", squared, inputs, columns)),
        name + ".sum_of_squares");
    String difference = graph.node("Sub", List.of(xvSquared, sumOfSquares),
        name + ".difference");
    String pairs = graph.node("MatMul",
        List.of(difference, graph.floats(name + ".halves", halves, columns, outputs)),
        name + ".pairs");
    return graph.node("Add", List.of(lin, pairs), output);
  }
}
