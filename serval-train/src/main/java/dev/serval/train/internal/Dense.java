package dev.serval.train.internal;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A fully connected layer, y = x W^T + b, with W stored [out, in] as ONNX Gemm with transB = 1
 * reads it, so that every inner loop runs along a contiguous row. A layer without bias (b = 0,
 * not trained) stands for a bias-free MatMul, such as the first factor of a low-rank weight.
 */
public final class Dense implements Layer {
  private final int inputs;
  private final int outputs;
  private final Param weight;
  private final Param bias;
  private final String name;
  /** Weights held at zero in training (a pruned layer's removed weights), or null for none. */
  private final boolean[] frozen;
  private float[] input;

  private Dense(String name, int inputs, int outputs, float[] weight, float[] bias) {
    this(name, inputs, outputs, weight, bias, null);
  }

  private Dense(String name, int inputs, int outputs, float[] weight, float[] bias,
      boolean[] frozen) {
    this.frozen = frozen;
    this.name = name;
    this.inputs = inputs;
    this.outputs = outputs;
    this.weight = new Param(weight, true);
    this.bias = bias == null ? null : new Param(bias, false);
  }

  /**
   * A layer with the given weights (copied): {@code weight} [outputs, inputs] row-major,
   * {@code bias} of length outputs, or null for a layer without bias. With {@code keepZeros}
   * the weights that are zero get no gradient, so they stay zero through training.
   */
  public static Dense of(String name, int inputs, int outputs, float[] weight, float[] bias,
      boolean keepZeros) {
    Checks.require(weight.length == inputs * outputs, "weight of " + name + " must hold "
        + outputs + " x " + inputs + " values but has " + weight.length);
    Checks.require(bias == null || bias.length == outputs, "bias of " + name + " must hold "
        + outputs + " values but has " + (bias == null ? 0 : bias.length));
    boolean[] zeros = null;
    if (keepZeros) {
      zeros = new boolean[weight.length];
      for (int i = 0; i < weight.length; i++) {
        zeros[i] = weight[i] == 0;
      }
    }
    return new Dense(name, inputs, outputs, weight.clone(), bias == null ? null : bias.clone(),
        zeros);
  }

  /** Weights uniform in [-limit, limit], biases zero. */
  public static Dense create(
      String name, int inputs, int outputs, double limit, SplittableRandom random) {
    return new Dense(name, inputs, outputs, Sampling.uniform(outputs * inputs, limit, random),
        new float[outputs]);
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
    float[] w = weight.value();
    float[] b = bias == null ? new float[outputs] : bias.value();
    float[] y = new float[rows * outputs];
    for (int n = 0; n < rows; n++) {
      int in = n * inputs;
      for (int o = 0; o < outputs; o++) {
        int row = o * inputs;
        float sum = 0;
        for (int i = 0; i < inputs; i++) {
          sum += x[in + i] * w[row + i];
        }
        y[n * outputs + o] = sum + b[o];
      }
    }
    if (training) {
      input = x;
    }
    return y;
  }

  @Override
  public float[] backward(float[] g, int rows) {
    return backward(g, rows, new float[rows * inputs]);
  }

  @Override
  public void backwardToParams(float[] g, int rows) {
    backward(g, rows, null);
  }

  /** Adds the parameter gradients, and the input gradient into {@code dx} unless it is null. */
  private float[] backward(float[] g, int rows, float[] dx) {
    float[] w = weight.value();
    float[] dw = weight.grad();
    float[] db = bias == null ? new float[outputs] : bias.grad();
    for (int n = 0; n < rows; n++) {
      int in = n * inputs;
      for (int o = 0; o < outputs; o++) {
        float go = g[n * outputs + o];
        if (go == 0) {
          continue; // common after ReLU and dropout
        }
        int row = o * inputs;
        db[o] += go;
        for (int i = 0; i < inputs; i++) {
          dw[row + i] += go * input[in + i];
        }
        if (dx != null) {
          for (int i = 0; i < inputs; i++) {
            dx[in + i] += go * w[row + i];
          }
        }
      }
    }
    if (frozen != null) {
      for (int i = 0; i < dw.length; i++) {
        dw[i] = frozen[i] ? 0 : dw[i];
      }
    }
    return dx;
  }

  @Override
  public List<Param> params() {
    return bias == null ? List.of(weight) : List.of(weight, bias);
  }

  /** A copy of the weight, [outputs, inputs] row-major. */
  public float[] weights() {
    return weight.value().clone();
  }

  /** A copy of the bias, or null for a layer without bias. */
  public float[] biases() {
    return bias == null ? null : bias.value().clone();
  }

  /** This layer followed by {@code norm} in evaluation mode, as one layer. */
  public Dense foldedWith(BatchNorm norm) {
    float[] scale = norm.evalScale();
    float[] shift = norm.evalShift();
    float[] w = weight.value().clone();
    float[] b = bias == null ? new float[outputs] : bias.value().clone();
    for (int o = 0; o < outputs; o++) {
      for (int i = 0; i < inputs; i++) {
        w[o * inputs + i] *= scale[o];
      }
      b[o] = b[o] * scale[o] + shift[o];
    }
    return new Dense(name, inputs, outputs, w, b);
  }

  @Override
  public String export(OnnxGraph graph, String x, String output) {
    String w = graph.floats(name + ".weight", weight.value(), outputs, inputs);
    List<String> operands = bias == null ? List.of(x, w)
        : List.of(x, w, graph.floats(name + ".bias", bias.value(), outputs));
    return graph.node("Gemm", operands, output, OnnxGraph.attribute("transB", 1L));
  }
}
