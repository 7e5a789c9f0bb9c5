package dev.serval.tune.sampler;

import dev.serval.tune.Param;
import dev.serval.tune.StudyView;

/** Draws every parameter uniformly on its own scale, ignoring history. */
public final class RandomSampler implements Sampler {
  @Override
  public Object sampleIndependent(StudyView study, SamplingContext trial, Param param) {
    return param.fromUnit(trial.random().nextDouble());
  }

  @Override
  public boolean supportsMultiObjective() {
    return true;
  }
}
