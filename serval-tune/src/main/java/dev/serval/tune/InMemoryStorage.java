package dev.serval.tune;

import dev.serval.core.InvalidInputException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Keeps studies in memory; thread-safe, for one process. */
public final class InMemoryStorage implements StudyStorage {
  private final Map<String, List<FrozenTrial>> studies = new HashMap<>();
  private final Map<String, StudyDefinition> definitions = new HashMap<>();

  @Override
  public synchronized void createStudy(
      String study, List<Direction> directions, SearchSpace space) {
    StudyDefinition wanted = new StudyDefinition(study, directions, space.toJson());
    definitions.putIfAbsent(study, wanted);
    definitions.get(study).requireSame(wanted);
  }

  @Override
  public synchronized int createTrial(String study, Instant start) {
    List<FrozenTrial> trials = studies.computeIfAbsent(study, s -> new ArrayList<>());
    trials.add(FrozenTrial.started(trials.size(), start));
    return trials.size() - 1;
  }

  @Override
  public void setParams(String study, int number, Map<String, Object> params) {
    updateRunning(study, number, t -> t.withParams(params));
  }

  @Override
  public void report(String study, int number, int step, double value) {
    updateRunning(study, number, t -> t.withReport(step, value));
  }

  @Override
  public void setUserAttribute(String study, int number, String key, Object value) {
    update(study, number, t -> t.withUserAttribute(key, value));
  }

  @Override
  public void finish(
      String study, int number, TrialState state, List<Double> values, Instant end) {
    updateRunning(study, number, t -> t.finished(state, values, end));
  }

  @Override
  public synchronized FrozenTrial trial(String study, int number) {
    List<FrozenTrial> trials = studies.getOrDefault(study, List.of());
    if (number < 0 || number >= trials.size()) {
      throw new InvalidInputException("no trial " + number + " in study " + study);
    }
    return trials.get(number);
  }

  @Override
  public synchronized List<FrozenTrial> trials(String study) {
    return List.copyOf(studies.getOrDefault(study, List.of()));
  }

  private synchronized void updateRunning(
      String study, int number, UnaryOperator<FrozenTrial> change) {
    FrozenTrial trial = trial(study, number);
    if (trial.state().isFinished()) {
      throw new TrialStateException("trial " + number + " of study " + study + " is already "
          + trial.state());
    }
    studies.get(study).set(number, change.apply(trial));
  }

  private synchronized void update(String study, int number, UnaryOperator<FrozenTrial> change) {
    studies.get(study).set(number, change.apply(trial(study, number)));
  }
}
