package dev.serval.tune;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The in-memory storage, counting how often all trials are read. */
final class CountingStorage implements StudyStorage {
  private final StudyStorage storage = new InMemoryStorage();
  final AtomicInteger trialReads = new AtomicInteger();

  @Override
  public void createStudy(String study, List<Direction> directions, SearchSpace space) {
    storage.createStudy(study, directions, space);
  }

  @Override
  public int createTrial(String study, Instant start) {
    return storage.createTrial(study, start);
  }

  @Override
  public void setParams(String study, int number, Map<String, Object> params) {
    storage.setParams(study, number, params);
  }

  @Override
  public void report(String study, int number, int step, double value) {
    storage.report(study, number, step, value);
  }

  @Override
  public void setUserAttribute(String study, int number, String key, Object value) {
    storage.setUserAttribute(study, number, key, value);
  }

  @Override
  public void finish(String study, int number, TrialState state, List<Double> values,
      Instant end) {
    storage.finish(study, number, state, values, end);
  }

  @Override
  public FrozenTrial trial(String study, int number) {
    return storage.trial(study, number);
  }

  @Override
  public List<FrozenTrial> trials(String study) {
    trialReads.incrementAndGet();
    return storage.trials(study);
  }
}
