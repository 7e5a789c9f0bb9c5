package dev.serval.tune.pruner;

import dev.serval.tune.FrozenTrial;
import dev.serval.tune.StudyView;

/** Never prunes; the default. */
public final class NopPruner implements Pruner {
  @Override
  public boolean shouldPrune(StudyView study, FrozenTrial trial) {
    return false;
  }
}
