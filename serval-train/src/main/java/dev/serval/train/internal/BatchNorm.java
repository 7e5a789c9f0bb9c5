package dev.serval.train.internal;

import java.util.Arrays;
import java.util.List;

/**
 * Batch normalization over the rows of a batch: training normalizes with the batch's own mean
 * and variance and updates running averages of them; evaluation uses the running averages.
 */
public final class BatchNorm extends SameWidthLayer {
  private static final float EPSILON = 1e-5f;
  private static final float MOMENTUM = 0.1f;

  private final String name;
  private final Param gamma;
  private final Param beta;
  private final float[] runningMean;
  private final float[] runningVariance;
  private float[] normalized;
  private float[] inverseStd;

  public BatchNorm(String name, int width) {
    super(width);
    this.name = name;
    float[] ones = new float[width];
    Arrays.fill(ones, 1);
    this.gamma = new Param(ones, false);
    this.beta = new Param(new float[width], false);
    this.runningMean = new float[width];
    this.runningVariance = ones.clone();
  }

  @Override
  public float[] forward(float[] x, int rows, boolean training) {
    if (!training) {
      return Affine.apply(x, rows, evalScale(), evalShift());
    }
    float[] mean = new float[width];
    float[] variance = new float[width];
    for (int n = 0; n < rows; n++) {
      for (int j = 0; j < width; j++) {
        mean[j] += x[n * width + j] / rows;
      }
    }
    for (int n = 0; n < rows; n++) {
      for (int j = 0; j < width; j++) {
        float d = x[n * width + j] - mean[j];
        variance[j] += d * d / rows;
      }
    }
    inverseStd = new float[width];
    for (int j = 0; j < width; j++) {
      inverseStd[j] = (float) (1 / Math.sqrt(variance[j] + EPSILON));
      float unbiased = rows > 1 ? variance[j] * rows / (rows - 1) : variance[j];
      runningMean[j] += MOMENTUM * (mean[j] - runningMean[j]);
      runningVariance[j] += MOMENTUM * (unbiased - runningVariance[j]);
    }
    normalized = new float[rows * width];
    for (int n = 0; n < rows; n++) {
      for (int j = 0; j < width; j++) {
        normalized[n * width + j] = (x[n * width + j] - mean[j]) * inverseStd[j];
      }
    }
    return Affine.apply(normalized, rows, gamma.value(), beta.value());
  }

  @Override
  public float[] backward(float[] g, int rows) {
    float[] g0 = gamma.value();
    float[] dGamma = gamma.grad();
    float[] dBeta = beta.grad();
    float[] sumG = new float[width];
    float[] sumGx = new float[width];
    for (int n = 0; n < rows; n++) {
      for (int j = 0; j < width; j++) {
        sumG[j] += g[n * width + j];
        sumGx[j] += g[n * width + j] * normalized[n * width + j];
      }
    }
    float[] dx = new float[rows * width];
    for (int n = 0; n < rows; n++) {
      for (int j = 0; j < width; j++) {
        int k = n * width + j;
        dx[k] = g0[j] * inverseStd[j] / rows
            * (rows * g[k] - sumG[j] - normalized[k] * sumGx[j]);
      }
    }
    for (int j = 0; j < width; j++) {
      dGamma[j] += sumGx[j];
      dBeta[j] += sumG[j];
    }
    return dx;
  }

  /** The per-feature factor of evaluation mode: gamma / sqrt(running variance + eps). */
  float[] evalScale() {
    float[] scale = new float[width];
    for (int j = 0; j < width; j++) {
      scale[j] = (float) (gamma.value()[j] / Math.sqrt(runningVariance[j] + EPSILON));
    }
    return scale;
  }

  /** The per-feature offset of evaluation mode: beta - running mean * scale. */
  float[] evalShift() {
    float[] scale = evalScale();
    float[] shift = new float[width];
    for (int j = 0; j < width; j++) {
      shift[j] = beta.value()[j] - runningMean[j] * scale[j];
    }
    return shift;
  }

  @Override
  public List<Param> params() {
    return List.of(gamma, beta);
  }

  @Override
  public List<float[]> state() {
    return List.of(gamma.value(), beta.value(), runningMean, runningVariance);
  }

  @Override
  public String export(OnnxGraph graph, String x, String output) {
    return Affine.export(graph, name, evalScale(), evalShift(), x, output);
  }
}
