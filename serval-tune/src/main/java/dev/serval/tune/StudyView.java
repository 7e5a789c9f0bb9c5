package dev.serval.tune;

import java.util.List;

/** What samplers and pruners may read of a study. */
public interface StudyView {
  String name();

  Direction direction();

  SearchSpace space();

  /** The study's seed, for samplers that need state shared by all trials (QMC scrambling). */
  long seed();

  /** Every trial, ordered by number. */
  List<FrozenTrial> trials();

  default List<FrozenTrial> trials(TrialState state) {
    return trials().stream().filter(t -> t.state() == state).toList();
  }
}
