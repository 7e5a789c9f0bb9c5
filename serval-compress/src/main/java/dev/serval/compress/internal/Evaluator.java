package dev.serval.compress.internal;

import dev.serval.compress.Metric;
import dev.serval.train.data.Dataset;

/**
 * Scores models on labelled rows: each model's first float output is compared with the
 * labels (top-1) or with the original model's output on the same rows (agreement, max error).
 */
public final class Evaluator {
  private final Dataset data;
  private final Metric metric;
  private final float[] reference;

  /** Runs {@code original} once for the reference outputs. */
  public Evaluator(Dataset data, Metric metric, ModelProbe original) {
    this.data = data;
    this.metric = metric;
    this.reference = outputs(original);
  }

  /** The metric of the original model. */
  public double baseline() {
    return score(reference);
  }

  /** The metric of {@code model}, which must take and give what the original does. */
  public double score(ModelProbe model) {
    return score(outputs(model));
  }

  private double score(float[] outputs) {
    int rows = data.rows();
    int width = reference.length / rows;
    if (metric == Metric.MAX_ABS_ERROR) {
      double max = 0;
      for (int i = 0; i < outputs.length; i++) {
        max = Math.max(max, Math.abs(outputs[i] - reference[i]));
      }
      return max;
    }
    int hits = 0;
    for (int r = 0; r < rows; r++) {
      int expected = metric == Metric.TOP1 ? data.label(r) : argmax(reference, r, width);
      hits += argmax(outputs, r, width) == expected ? 1 : 0;
    }
    return 100.0 * hits / rows;
  }

  private static int argmax(float[] values, int row, int width) {
    int best = 0;
    for (int k = 1; k < width; k++) {
      if (values[row * width + k] > values[row * width + best]) {
        best = k;
      }
    }
    return best;
  }

  /** The model's first float output on every row, row after row. */
  private float[] outputs(ModelProbe model) {
    return model.firstFloatOutput(data.features(), data.rows());
  }
}
