package dev.serval.train;

import static dev.serval.train.internal.Checks.positive;
import static dev.serval.train.internal.Checks.require;

/**
 * Knowledge distillation: the student's loss is
 * {@code alpha * CE(labels, softmax(s)) + (1 - alpha) * T² * KL(softmax(t / T) || softmax(s / T))}
 * for teacher logits t, student logits s and temperature T.
 *
 * @param alpha weight of the hard-label loss, in [0, 1]
 */
public record Distillation(Teacher teacher, double temperature, double alpha) {
  public Distillation {
    require(teacher != null, "teacher must not be null");
    positive("temperature", temperature);
    require(alpha >= 0 && alpha <= 1, "alpha must be in [0, 1] but was " + alpha);
  }
}
