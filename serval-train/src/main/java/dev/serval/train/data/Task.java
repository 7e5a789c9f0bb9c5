package dev.serval.train.data;

/** What the targets of a {@link Dataset} are. */
public enum Task {
  /** One integer class label per row, 0 to classes - 1. */
  CLASSIFICATION,
  /** One or more real-valued targets per row. */
  REGRESSION
}
