package dev.serval.tune;

import dev.serval.core.InvalidInputException;
import java.util.List;

/** What samplers and pruners may read of a study. */
public interface StudyView {
  String name();

  /** One direction per objective. */
  List<Direction> directions();

  /**
   * The direction of a single-objective study.
   *
   * @throws InvalidInputException for a study with several objectives
   */
  default Direction direction() {
    List<Direction> directions = directions();
    if (directions.size() != 1) {
      throw new InvalidInputException("study " + name() + " has " + directions.size()
          + " objectives " + directions + "; use directions()");
    }
    return directions.get(0);
  }

  default boolean isMultiObjective() {
    return directions().size() > 1;
  }

  /** A finished trial's values as losses: each negated where its objective is maximized. */
  default double[] losses(FrozenTrial trial) {
    List<Double> values = trial.values();
    List<Direction> directions = directions();
    double[] losses = new double[values.size()];
    for (int i = 0; i < losses.length; i++) {
      losses[i] = directions.get(i).asLoss(values.get(i));
    }
    return losses;
  }

  SearchSpace space();

  /** Whether complete trials carry constraint values ({@link FrozenTrial#violation()}). */
  default boolean hasConstraints() {
    return false;
  }

  /** The study's seed, for samplers that need state shared by all trials (QMC scrambling). */
  long seed();

  /** Every trial, ordered by number. */
  List<FrozenTrial> trials();

  default List<FrozenTrial> trials(TrialState state) {
    return trials().stream().filter(t -> t.state() == state).toList();
  }
}
