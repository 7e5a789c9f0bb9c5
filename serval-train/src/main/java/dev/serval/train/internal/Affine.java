package dev.serval.train.internal;

import java.util.List;

/**
 * A fixed per-feature y = x * scale + shift, not trained: the standardization of raw features
 * inside the model, so that the exported model takes the same raw inputs as the data set.
 */
public final class Affine implements Layer {
  private final String name;
  private final float[] scale;
  private final float[] shift;

  public Affine(String name, float[] scale, float[] shift) {
    this.name = name;
    this.scale = scale.clone();
    this.shift = shift.clone();
  }

  /**
   * Maps each feature of {@code x} ({@code rows} rows) to mean 0 and standard deviation 1;
   * constant features are only centred.
   */
  public static Affine standardizing(String name, float[] x, int rows) {
    int width = x.length / rows;
    double[] sum = new double[width];
    double[] squares = new double[width];
    for (int n = 0; n < rows; n++) {
      for (int j = 0; j < width; j++) {
        double v = x[n * width + j];
        sum[j] += v;
        squares[j] += v * v;
      }
    }
    float[] scale = new float[width];
    float[] shift = new float[width];
    for (int j = 0; j < width; j++) {
      double mean = sum[j] / rows;
      double std = Math.sqrt(Math.max(0, squares[j] / rows - mean * mean));
      scale[j] = (float) (std > 1e-6 ? 1 / std : 1);
      shift[j] = (float) (-mean * scale[j]);
    }
    return new Affine(name, scale, shift);
  }

  @Override
  public int inputWidth() {
    return scale.length;
  }

  @Override
  public int outputWidth() {
    return scale.length;
  }

  @Override
  public float[] forward(float[] x, int rows, boolean training) {
    return apply(x, rows, scale, shift);
  }

  static float[] apply(float[] x, int rows, float[] scale, float[] shift) {
    int width = scale.length;
    float[] y = new float[rows * width];
    for (int n = 0; n < rows; n++) {
      for (int j = 0; j < width; j++) {
        y[n * width + j] = x[n * width + j] * scale[j] + shift[j];
      }
    }
    return y;
  }

  @Override
  public float[] backward(float[] g, int rows) {
    return apply(g, rows, scale, new float[scale.length]);
  }

  @Override
  public List<float[]> state() {
    return List.of(scale, shift);
  }

  @Override
  public String export(OnnxGraph graph, String x, String output) {
    return export(graph, name, scale, shift, x, output);
  }

  static String export(OnnxGraph graph, String name, float[] scale, float[] shift, String x,
      String output) {
    String scaled = graph.node("Mul",
        List.of(x, graph.floats(name + ".scale", scale, scale.length)), name + ".scaled");
    return graph.node("Add",
        List.of(scaled, graph.floats(name + ".shift", shift, shift.length)), output);
  }
}
