package dev.serval.train;

/**
 * A trained classifier whose softened outputs a student learns from in knowledge distillation,
 * e.g. a {@link TrainedModel} or an ONNX model run by the caller.
 */
@FunctionalInterface
public interface Teacher {
  /**
   * The logits (or log-probabilities, which soften the same way) for {@code rows} rows of
   * {@code features}, row-major, one value per class.
   */
  float[] logits(float[] features, int rows);

  /** The predicted class of each row: the one with the largest logit. */
  default int[] classify(float[] features, int rows) {
    float[] logits = logits(features, rows);
    return topClasses(logits, rows, rows == 0 ? 0 : logits.length / rows);
  }

  /** For each of {@code rows} rows of {@code width} scores, the index of the largest. */
  static int[] topClasses(float[] scores, int rows, int width) {
    int[] best = new int[rows];
    for (int n = 0; n < rows; n++) {
      for (int k = 1; k < width; k++) {
        if (scores[n * width + k] > scores[n * width + best[n]]) {
          best[n] = k;
        }
      }
    }
    return best;
  }
}
