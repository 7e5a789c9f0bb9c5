package dev.serval.train.internal;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A 3x3 convolution with stride 1 and zero padding 1 (the output keeps the image size) over
 * rows that hold images in channel, height, width order. Each output pixel's 3x3xC window is
 * gathered into a patch row first, which makes the convolution a plain matrix product.
 */
public final class Conv2d implements Layer {
  private static final int K = 3;

  private final String name;
  private final int channels;
  private final int height;
  private final int width;
  private final int filters;
  private final Param weight;
  private final Param bias;
  private final int[] patchIndex;
  private float[] patches;

  /** He-uniform weights [filters, channels, 3, 3], zero biases. */
  public Conv2d(String name, int[] chw, int filters, SplittableRandom random) {
    this.name = name;
    this.channels = chw[0];
    this.height = chw[1];
    this.width = chw[2];
    this.filters = filters;
    this.weight = new Param(Sampling.uniform(filters * channels * K * K,
        Math.sqrt(6.0 / (channels * K * K)), random), true);
    this.bias = new Param(new float[filters], false);
    this.patchIndex = patchIndex(channels, height, width);
  }

  @Override
  public int inputWidth() {
    return channels * height * width;
  }

  @Override
  public int outputWidth() {
    return filters * height * width;
  }

  @Override
  public float[] forward(float[] x, int rows, boolean training) {
    int plane = height * width;
    int patch = channels * K * K;
    float[] w = weight.value();
    float[] b = bias.value();
    float[] patches = new float[rows * plane * patch];
    float[] y = new float[rows * outputWidth()];
    for (int n = 0; n < rows; n++) {
      int base = n * plane * patch;
      for (int i = 0; i < patchIndex.length; i++) {
        int source = patchIndex[i];
        patches[base + i] = source < 0 ? 0 : x[n * inputWidth() + source];
      }
      for (int f = 0; f < filters; f++) {
        int out = (n * filters + f) * plane;
        for (int p = 0; p < plane; p++) {
          int row = base + p * patch;
          float sum = 0;
          for (int j = 0; j < patch; j++) {
            sum += w[f * patch + j] * patches[row + j];
          }
          y[out + p] = sum + b[f];
        }
      }
    }
    if (training) {
      this.patches = patches;
    }
    return y;
  }

  @Override
  public float[] backward(float[] g, int rows) {
    float[] dx = new float[rows * inputWidth()];
    float[] patchGrad = new float[height * width * channels * K * K];
    for (int n = 0; n < rows; n++) {
      Arrays.fill(patchGrad, 0);
      backward(g, n, patchGrad);
      for (int i = 0; i < patchIndex.length; i++) {
        if (patchIndex[i] >= 0) {
          dx[n * inputWidth() + patchIndex[i]] += patchGrad[i];
        }
      }
    }
    return dx;
  }

  @Override
  public void backwardToParams(float[] g, int rows) {
    for (int n = 0; n < rows; n++) {
      backward(g, n, null);
    }
  }

  /**
   * Adds row {@code n}'s parameter gradients, and the gradient of its patches into
   * {@code patchGrad} unless that is null.
   */
  private void backward(float[] g, int n, float[] patchGrad) {
    int plane = height * width;
    int patch = channels * K * K;
    int base = n * plane * patch;
    float[] w = weight.value();
    float[] dw = weight.grad();
    float[] db = bias.grad();
    for (int f = 0; f < filters; f++) {
      int out = (n * filters + f) * plane;
      for (int p = 0; p < plane; p++) {
        float go = g[out + p];
        db[f] += go;
        for (int j = 0; j < patch; j++) {
          dw[f * patch + j] += go * patches[base + p * patch + j];
        }
        if (patchGrad != null) {
          for (int j = 0; j < patch; j++) {
            patchGrad[p * patch + j] += go * w[f * patch + j];
          }
        }
      }
    }
  }

  /**
   * For each output pixel p and patch element j = (channel, ky, kx), the input index the patch
   * reads at [p * patch + j], or -1 where the 3x3 window hangs over the zero padding.
   */
  private static int[] patchIndex(int channels, int height, int width) {
    int patch = channels * K * K;
    int[] index = new int[height * width * patch];
    for (int r = 0; r < height; r++) {
      for (int c = 0; c < width; c++) {
        for (int j = 0; j < patch; j++) {
          int iy = r + (j % (K * K)) / K - 1;
          int ix = c + j % K - 1;
          boolean inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
          index[(r * width + c) * patch + j] =
              inside ? (j / (K * K) * height + iy) * width + ix : -1;
        }
      }
    }
    return index;
  }

  @Override
  public List<Param> params() {
    return List.of(weight, bias);
  }

  @Override
  public String export(OnnxGraph graph, String x, String output) {
    String w = graph.floats(name + ".weight", weight.value(), filters, channels, K, K);
    String b = graph.floats(name + ".bias", bias.value(), filters);
    return graph.onImages("Conv", x, new int[] {channels, height, width}, List.of(w, b), output,
        OnnxGraph.attribute("kernel_shape", K, K), OnnxGraph.attribute("pads", 1, 1, 1, 1));
  }
}
