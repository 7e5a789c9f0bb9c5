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
}
