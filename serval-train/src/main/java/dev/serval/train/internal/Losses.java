package dev.serval.train.internal;

/**
 * Losses over a batch of {@code rows} output rows of width {@code width}. Each returns the mean
 * loss per row times {@code weight} and adds {@code weight} times its gradient with respect to
 * the outputs into {@code grad}, so that weighted losses can be summed.
 */
public final class Losses {
  private Losses() {}

  /** Row-wise softmax of {@code logits / temperature}. */
  public static float[] softmax(float[] logits, int rows, int width, double temperature) {
    float[] p = new float[logits.length];
    for (int n = 0; n < rows; n++) {
      int row = n * width;
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < width; k++) {
        max = Math.max(max, logits[row + k] / temperature);
      }
      double sum = 0;
      for (int k = 0; k < width; k++) {
        double e = Math.exp(logits[row + k] / temperature - max);
        p[row + k] = (float) e;
        sum += e;
      }
      for (int k = 0; k < width; k++) {
        p[row + k] /= (float) sum;
      }
    }
    return p;
  }

  /**
   * Cross-entropy of softmax(logits / temperature) against target distributions (one-hot labels,
   * mixed labels or a teacher's softened outputs), scaled by temperature² so that its gradient
   * keeps its size as the temperature grows: T² · Σ t (log t - log q) per row, which for one-hot
   * targets and T = 1 is the plain cross-entropy -log q[label].
   */
  public static double softCrossEntropy(float[] logits, float[] targets, int rows, int width,
      double temperature, double weight, float[] grad) {
    float[] q = softmax(logits, rows, width, temperature);
    double loss = 0;
    double scale = weight * temperature / rows;
    for (int i = 0; i < logits.length; i++) {
      if (targets[i] > 0) {
        loss += targets[i] * (Math.log(targets[i]) - Math.log(Math.max(q[i], 1e-30)));
      }
      grad[i] += (float) (scale * (q[i] - targets[i]));
    }
    return weight * temperature * temperature * loss / rows;
  }

  /** Mean over all values of (output - target)². */
  public static double squaredError(float[] output, float[] targets, int rows, int width,
      double weight, float[] grad) {
    double loss = 0;
    double scale = 2 * weight / ((double) rows * width);
    for (int i = 0; i < output.length; i++) {
      double d = output[i] - targets[i];
      loss += d * d;
      grad[i] += (float) (scale * d);
    }
    return weight * loss / ((double) rows * width);
  }

  /**
   * Mean over all values of the Huber loss: (output - target)² / 2 within {@code delta} of the
   * target, linear beyond, so that a few outliers pull the fit far less than squared error does.
   */
  public static double huber(float[] output, float[] targets, int rows, int width, double delta,
      float[] grad) {
    double loss = 0;
    double count = (double) rows * width;
    for (int i = 0; i < output.length; i++) {
      double d = output[i] - targets[i];
      double magnitude = Math.abs(d);
      loss += magnitude <= delta ? d * d / 2 : delta * (magnitude - delta / 2);
      grad[i] += (float) (Math.max(-delta, Math.min(delta, d)) / count);
    }
    return loss / count;
  }
}
