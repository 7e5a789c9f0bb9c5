package dev.serval.server.studies;

import dev.serval.tune.FrozenTrial;
import dev.serval.tune.TrialState;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A study's definition with its trials as they are now. */
public record StudySummary(StudySpec spec, Instant created, List<FrozenTrial> trials) {
  public StudySummary {
    trials = List.copyOf(trials);
  }

  /** How many trials are in each state, every state named. */
  public Map<TrialState, Integer> counts() {
    Map<TrialState, Integer> counts = new EnumMap<>(TrialState.class);
    for (TrialState state : TrialState.values()) {
      counts.put(state, 0);
    }
    trials.forEach(t -> counts.merge(t.state(), 1, Integer::sum));
    return counts;
  }

  /** The complete trial with the best value; ties go to the earlier trial. */
  public Optional<FrozenTrial> best() {
    return trials.stream()
        .filter(t -> t.state() == TrialState.COMPLETE && t.value().isPresent())
        .min(Comparator.comparingDouble(
            t -> spec.direction().asLoss(t.value().getAsDouble())));
  }
}
