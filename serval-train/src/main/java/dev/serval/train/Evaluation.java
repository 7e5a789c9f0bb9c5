package dev.serval.train;

import dev.serval.train.data.Task;

/**
 * A trained model's quality on a data set.
 *
 * @param loss cross-entropy (classification) or mean squared error (regression)
 * @param metric accuracy (classification) or root mean squared error (regression)
 */
public record Evaluation(Task task, double loss, double metric) {
  public String metricName() {
    return task == Task.CLASSIFICATION ? "accuracy" : "rmse";
  }
}
