package dev.serval.train.internal;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Inverted dropout: in training each value is zeroed with probability {@code rate} and the rest
 * scaled by 1 / (1 - rate), so that evaluation (and the exported model) is the identity.
 */
public final class Dropout extends SameWidthLayer {
  private final float rate;
  private final SplittableRandom random;
  private float[] mask;

  public Dropout(int width, double rate, SplittableRandom random) {
    super(width);
    this.rate = (float) rate;
    this.random = random;
  }

  @Override
  public float[] forward(float[] x, int rows, boolean training) {
    if (!training) {
      return x;
    }
    float keep = 1 / (1 - rate);
    mask = new float[x.length];
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      mask[i] = random.nextDouble() < rate ? 0 : keep;
      y[i] = x[i] * mask[i];
    }
    return y;
  }

  @Override
  public float[] backward(float[] g, int rows) {
    float[] dx = new float[g.length];
    for (int i = 0; i < g.length; i++) {
      dx[i] = g[i] * mask[i];
    }
    return dx;
  }

  @Override
  public String export(OnnxGraph graph, String x, String output) {
    return x;
  }
}
