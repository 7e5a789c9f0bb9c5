package dev.serval.tune.sampler;

import dev.serval.tune.Param;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.StudyView;
import dev.serval.tune.TrialState;
import dev.serval.tune.internal.Checks;
import java.util.Map;

/**
 * The default sampler, chosen by issue 6's benchmark (docs/tuning.md): the {@link GpSampler}
 * while a single-objective, unconstrained study without conditional parameters has fewer than
 * {@code gpTrials} complete trials, where it finds the best values; multivariate
 * {@link TpeSampler} otherwise, which handles conditions, several objectives and constraints and
 * stays cheap however many trials there are.
 */
public final class AutoSampler implements Sampler {
  private final int gpTrials;
  private final Sampler gp;
  private final Sampler tpe;

  private AutoSampler(Builder b) {
    this.gpTrials = b.gpTrials;
    this.gp = GpSampler.builder().build();
    this.tpe = TpeSampler.builder().multivariate(true).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The sampler this study's next trial comes from. */
  Sampler delegate(StudyView study) {
    boolean gpFits = !study.isMultiObjective() && !study.hasConstraints()
        && !hasConditions(study.space())
        && study.trials(TrialState.COMPLETE).size() < gpTrials;
    return gpFits ? gp : tpe;
  }

  private static boolean hasConditions(SearchSpace space) {
    return space.params().stream().anyMatch(p -> space.condition(p.name()).isPresent());
  }

  @Override
  public Map<String, Object> sampleRelative(StudyView study, SamplingContext trial) {
    return delegate(study).sampleRelative(study, trial);
  }

  @Override
  public Object sampleIndependent(StudyView study, SamplingContext trial, Param param) {
    return delegate(study).sampleIndependent(study, trial, param);
  }

  @Override
  public boolean supportsMultiObjective() {
    return true;
  }

  /** Settings of the default sampler. */
  public static final class Builder {
    private int gpTrials = 200;

    private Builder() {}

    /**
     * Complete trials after which the GP (whose cost grows with the cube of the trials) hands
     * over to TPE (default 200).
     */
    public Builder gpTrials(int gpTrials) {
      this.gpTrials = Checks.nonNegative("gpTrials", gpTrials);
      return this;
    }

    public AutoSampler build() {
      return new AutoSampler(this);
    }
  }
}
