package dev.serval.train.internal;

import java.util.List;

/** An element-wise non-linearity whose derivative follows from its output. */
public final class ActivationLayer extends SameWidthLayer {
  private final boolean tanh;
  private float[] output;

  private ActivationLayer(boolean tanh, int width) {
    super(width);
    this.tanh = tanh;
  }

  public static ActivationLayer relu(int width) {
    return new ActivationLayer(false, width);
  }

  public static ActivationLayer tanh(int width) {
    return new ActivationLayer(true, width);
  }

  @Override
  public float[] forward(float[] x, int rows, boolean training) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = tanh ? (float) Math.tanh(x[i]) : Math.max(0, x[i]);
    }
    if (training) {
      output = y;
    }
    return y;
  }

  @Override
  public float[] backward(float[] g, int rows) {
    float[] dx = new float[g.length];
    for (int i = 0; i < g.length; i++) {
      float y = output[i];
      dx[i] = tanh ? g[i] * (1 - y * y) : (y > 0 ? g[i] : 0);
    }
    return dx;
  }

  @Override
  public String export(OnnxGraph graph, String x, String output) {
    return graph.node(tanh ? "Tanh" : "Relu", List.of(x), output);
  }
}
