package dev.serval.tune.pruner;

import dev.serval.tune.FrozenTrial;
import dev.serval.tune.StudyView;

/** Decides from intermediate values whether a running trial should stop early. */
@FunctionalInterface
public interface Pruner {
  boolean shouldPrune(StudyView study, FrozenTrial trial);
}
