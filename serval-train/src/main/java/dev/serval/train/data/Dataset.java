package dev.serval.train.data;

import static dev.serval.train.internal.Checks.positive;
import static dev.serval.train.internal.Checks.require;

import dev.serval.train.internal.Sampling;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Rows of float features with their targets: a class label per row, or one or more regression
 * values per row. Immutable: factories copy the arrays they are given and accessors copy out.
 */
public final class Dataset {
  private final float[] features;
  private final int featureCount;
  private final float[] targets;
  private final int targetCount;
  private final int classes;

  private Dataset(float[] features, int featureCount, float[] targets, int targetCount,
      int classes) {
    this.features = features;
    this.featureCount = featureCount;
    this.targets = targets;
    this.targetCount = targetCount;
    this.classes = classes;
  }

  /**
   * A classification data set.
   *
   * @param features row-major, {@code labels.length * featureCount} finite values
   * @param labels one class per row, each in {@code [0, classes)}
   */
  public static Dataset classification(
      float[] features, int featureCount, int[] labels, int classes) {
    positive("classes", classes);
    checkFeatures(features, featureCount, labels.length);
    float[] targets = new float[labels.length];
    for (int row = 0; row < labels.length; row++) {
      require(labels[row] >= 0 && labels[row] < classes, "label of row " + row + " must be in [0, "
          + classes + ") but was " + labels[row]);
      targets[row] = labels[row];
    }
    return new Dataset(features.clone(), featureCount, targets, 1, classes);
  }

  /** A classification data set whose class count is one more than its largest label. */
  public static Dataset classification(float[] features, int featureCount, int[] labels) {
    return classification(features, featureCount, labels,
        Arrays.stream(labels).max().orElse(0) + 1);
  }

  /**
   * A regression data set.
   *
   * @param features row-major, {@code rows * featureCount} finite values
   * @param targets row-major, {@code rows * targetCount} finite values
   */
  public static Dataset regression(
      float[] features, int featureCount, float[] targets, int targetCount) {
    positive("targetCount", targetCount);
    require(targets.length % targetCount == 0, "targets has " + targets.length
        + " values, which is not a multiple of targetCount " + targetCount);
    int rows = targets.length / targetCount;
    checkFeatures(features, featureCount, rows);
    checkFinite("target", targets, targetCount);
    return new Dataset(features.clone(), featureCount, targets.clone(), targetCount, 0);
  }

  private static void checkFeatures(float[] features, int featureCount, int rows) {
    positive("featureCount", featureCount);
    require(features.length == (long) rows * featureCount, "features has " + features.length
        + " values but " + rows + " rows of " + featureCount + " features need "
        + (long) rows * featureCount);
    checkFinite("feature", features, featureCount);
  }

  private static void checkFinite(String what, float[] values, int width) {
    for (int i = 0; i < values.length; i++) {
      require(Float.isFinite(values[i]), what + " " + (i % width) + " of row " + (i / width)
          + " must be a finite number but was " + values[i]);
    }
  }

  public Task task() {
    return classes > 0 ? Task.CLASSIFICATION : Task.REGRESSION;
  }

  public int rows() {
    return targets.length / targetCount;
  }

  public int featureCount() {
    return featureCount;
  }

  /** Targets per row: 1 for classification, the regression width otherwise. */
  public int targetCount() {
    return targetCount;
  }

  /** The class count of a classification data set; 0 for regression. */
  public int classes() {
    return classes;
  }

  /** The width of a model's output for this data: the class count, or the target count. */
  public int outputWidth() {
    return classes > 0 ? classes : targetCount;
  }

  public float feature(int row, int column) {
    return features[row * featureCount + column];
  }

  public float target(int row, int column) {
    return targets[row * targetCount + column];
  }

  /** The class label of a row of a classification data set. */
  public int label(int row) {
    require(classes > 0, "a regression data set has no class labels");
    return (int) targets[row];
  }

  /** A copy of all features, row-major. */
  public float[] features() {
    return features.clone();
  }

  /** Copies the features of {@code rows[from..from+count)} into {@code out}, row after row. */
  public void copyFeatures(int[] rows, int from, int count, float[] out) {
    for (int i = 0; i < count; i++) {
      System.arraycopy(features, rows[from + i] * featureCount, out, i * featureCount,
          featureCount);
    }
  }

  /** Copies the targets of {@code rows[from..from+count)} into {@code out}, row after row. */
  public void copyTargets(int[] rows, int from, int count, float[] out) {
    for (int i = 0; i < count; i++) {
      System.arraycopy(targets, rows[from + i] * targetCount, out, i * targetCount, targetCount);
    }
  }

  /** The rows at {@code indices}, in that order. */
  public Dataset subset(int[] indices) {
    float[] x = new float[indices.length * featureCount];
    float[] y = new float[indices.length * targetCount];
    for (int index : indices) {
      require(index >= 0 && index < rows(), "row index must be in [0, " + rows() + ") but was "
          + index);
    }
    copyFeatures(indices, 0, indices.length, x);
    copyTargets(indices, 0, indices.length, y);
    return new Dataset(x, featureCount, y, targetCount, classes);
  }

  /**
   * Shuffles the rows with {@code seed} and cuts them into training, validation and test parts;
   * the same seed always gives the same parts.
   */
  public Split split(double validationFraction, double testFraction, long seed) {
    require(validationFraction >= 0 && testFraction >= 0
            && validationFraction + testFraction < 1,
        "validationFraction and testFraction must be >= 0 with a sum below 1 but were "
            + validationFraction + " and " + testFraction);
    int[] order = Sampling.permutation(rows(), new SplittableRandom(seed));
    int validation = (int) Math.round(rows() * validationFraction);
    int test = (int) Math.round(rows() * testFraction);
    int train = rows() - validation - test;
    return new Split(subset(Arrays.copyOfRange(order, 0, train)),
        subset(Arrays.copyOfRange(order, train, train + validation)),
        subset(Arrays.copyOfRange(order, train + validation, rows())));
  }

  @Override
  public String toString() {
    return "Dataset[" + rows() + " rows x " + featureCount + " features, " + (classes > 0
        ? classes + " classes" : targetCount + " regression targets") + "]";
  }
}
