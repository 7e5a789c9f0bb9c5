package dev.serval.train.internal;

import java.util.List;

/** 2x2 max pooling with stride 2 (odd edges dropped, as ONNX MaxPool's floor mode does). */
public final class MaxPool2d implements Layer {
  private final int channels;
  private final int height;
  private final int width;
  private int[] winners;

  public MaxPool2d(int[] chw) {
    this.channels = chw[0];
    this.height = chw[1];
    this.width = chw[2];
  }

  @Override
  public int inputWidth() {
    return channels * height * width;
  }

  @Override
  public int outputWidth() {
    return channels * (height / 2) * (width / 2);
  }

  @Override
  public float[] forward(float[] x, int rows, boolean training) {
    int outHeight = height / 2;
    int outWidth = width / 2;
    float[] y = new float[rows * outputWidth()];
    int[] argmax = new int[y.length];
    int o = 0;
    for (int plane = 0; plane < rows * channels; plane++) {
      int in = plane * height * width;
      for (int r = 0; r < outHeight; r++) {
        for (int c = 0; c < outWidth; c++) {
          int best = in + 2 * r * width + 2 * c;
          for (int k = 1; k < 4; k++) {
            int candidate = in + (2 * r + k / 2) * width + 2 * c + k % 2;
            if (x[candidate] > x[best]) {
              best = candidate;
            }
          }
          argmax[o] = best;
          y[o++] = x[best];
        }
      }
    }
    if (training) {
      winners = argmax;
    }
    return y;
  }

  @Override
  public float[] backward(float[] g, int rows) {
    float[] dx = new float[rows * inputWidth()];
    for (int o = 0; o < g.length; o++) {
      dx[winners[o]] += g[o];
    }
    return dx;
  }

  @Override
  public String export(OnnxGraph graph, String x, String output) {
    return graph.onImages("MaxPool", x, new int[] {channels, height, width}, List.of(), output,
        OnnxGraph.attribute("kernel_shape", 2, 2), OnnxGraph.attribute("strides", 2, 2));
  }
}
