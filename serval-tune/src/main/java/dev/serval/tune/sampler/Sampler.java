package dev.serval.tune.sampler;

import dev.serval.tune.Param;
import dev.serval.tune.StudyView;
import java.util.Map;

/**
 * Suggests parameter values for a new trial. The study first asks {@link #sampleRelative} for
 * values chosen jointly, then {@link #sampleIndependent} for every active parameter left.
 * Implementations must be safe to call from several threads; the study serializes asks.
 */
public interface Sampler {
  /** Values chosen jointly for this trial; parameters left out are sampled independently. */
  default Map<String, Object> sampleRelative(StudyView study, SamplingContext trial) {
    return Map.of();
  }

  /** A value for {@code param} given the finished trials of {@code study}. */
  Object sampleIndependent(StudyView study, SamplingContext trial, Param param);

  /**
   * Attributes the study stores on the trial just sampled (before it runs), so that later asks,
   * on any worker, can read back state such as the CMA-ES generation the trial belongs to.
   */
  default Map<String, Object> trialAttributes(StudyView study, SamplingContext trial) {
    return Map.of();
  }

  /**
   * Whether the sampler can search for several objectives at once (a Pareto front); a study
   * with several directions refuses a sampler that cannot.
   */
  default boolean supportsMultiObjective() {
    return false;
  }

  /** Whether there is nothing left to suggest; the study then stops asking. */
  default boolean isExhausted(StudyView study) {
    return false;
  }
}
