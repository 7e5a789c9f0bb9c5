package dev.serval.train;

import static dev.serval.train.internal.Checks.require;

/** The setting every trainer has: its {@link TrainingOptions}. */
public abstract class OptionsBuilder<B extends OptionsBuilder<B>> {
  TrainingOptions options = TrainingOptions.defaults();

  OptionsBuilder() {}

  public B options(TrainingOptions options) {
    require(options != null, "options must not be null");
    this.options = options;
    return self();
  }

  abstract B self();
}
