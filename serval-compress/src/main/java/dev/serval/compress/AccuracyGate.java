package dev.serval.compress;

import dev.serval.train.data.Dataset;
import java.util.Objects;

/**
 * Scores compressed models on labelled rows and, with a tolerance, searches for the best one
 * within it (see {@link Compressor#compress(java.nio.file.Path, java.nio.file.Path,
 * CompressionOptions, AccuracyGate)}).
 *
 * @param data the evaluation rows with their labels
 * @param metric how a model is scored on them
 * @param maxWorsening how much worse than the original's the metric may be (points for top-1 and
 *     agreement, output units for max-abs-error); infinite when only reporting
 * @param search whether to try other settings of the method when the requested ones fall outside
 *     the tolerance, and pick the best of all that are within it
 * @param objective what "best" means among the models within the tolerance
 * @param allowSlower whether a model slower than the original may be picked (for its size)
 */
public record AccuracyGate(Dataset data, Metric metric, double maxWorsening, boolean search,
    Objective objective, boolean allowSlower) {

  /** What the gate picks among the models within its tolerance. */
  public enum Objective {
    /** The smallest file; among files within 2% of each other, the fastest. */
    SIZE,
    /** The fastest at the largest measured batch; within 5% of each other, the smallest. */
    SPEED
  }

  public AccuracyGate {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(objective, "objective");
    if (data.rows() == 0) {
      throw new IllegalArgumentException("the evaluation data has no rows");
    }
    if (!(maxWorsening >= 0)) {
      throw new IllegalArgumentException("the largest accuracy drop must be >= 0 but was "
          + maxWorsening);
    }
  }

  /** Scores the requested compression only, with no tolerance. */
  public static AccuracyGate report(Dataset data, Metric metric) {
    return new AccuracyGate(data, metric, Double.POSITIVE_INFINITY, false, Objective.SIZE, true);
  }

  /**
   * Searches for the best model whose metric is at most {@code maxWorsening} worse than the
   * original's; models slower than the original are not picked.
   */
  public static AccuracyGate within(Dataset data, Metric metric, double maxWorsening) {
    return new AccuracyGate(data, metric, maxWorsening, true, Objective.SIZE, false);
  }

  public AccuracyGate prefer(Objective newObjective) {
    return new AccuracyGate(data, metric, maxWorsening, search, newObjective, allowSlower);
  }

  public AccuracyGate allowingSlower(boolean allow) {
    return new AccuracyGate(data, metric, maxWorsening, search, objective, allow);
  }
}
