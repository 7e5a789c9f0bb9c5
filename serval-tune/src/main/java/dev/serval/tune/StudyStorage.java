package dev.serval.tune;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where studies keep their trials. Each call is one atomic step so that a database
 * implementation can serve many workers: numbers come from {@link #createTrial} (unique and
 * dense per study), and a trial can be finished only once.
 */
public interface StudyStorage {
  /**
   * Creates the study, or joins the one of that name so that its trials continue.
   *
   * @throws StudyConflictException if the study exists with other directions or space
   */
  void createStudy(String study, List<Direction> directions, SearchSpace space);

  /** Creates a RUNNING trial and returns its number: 0, 1, 2 ... per study. */
  int createTrial(String study, Instant start);

  void setParams(String study, int number, Map<String, Object> params);

  /** Records an intermediate value; {@link TrialStateException} if the trial has finished. */
  void report(String study, int number, int step, double value);

  void setUserAttribute(String study, int number, String key, Object value);

  /**
   * Moves a RUNNING trial to its final state with its values (one per objective; none for a
   * failed trial); {@link TrialStateException} if not RUNNING.
   */
  void finish(String study, int number, TrialState state, List<Double> values, Instant end);

  FrozenTrial trial(String study, int number);

  /** All trials of the study, ordered by number; empty for an unknown study. */
  List<FrozenTrial> trials(String study);
}
