package dev.serval.train;

import dev.serval.train.data.Datasets;
import dev.serval.train.data.Split;

/** The bundled digits, cut 70/15/15 the same way for every test. */
final class Digits {
  static final Split SPLIT = Datasets.digits().split(0.15, 0.15, 7);

  private Digits() {}

  static TrainingOptions.Builder options(int epochs) {
    return TrainingOptions.builder().epochs(epochs).seed(1);
  }
}
