package dev.serval.tune;

import dev.serval.core.InvalidInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A running trial handed out by {@link Study#ask()}: its parameters, and the way back to the
 * study for intermediate values and attributes. Finished with {@code Study.tell}.
 */
public final class Trial {
  private final Study study;
  private final int number;
  private final Map<String, Object> params;

  Trial(Study study, int number, Map<String, Object> params) {
    this.study = study;
    this.number = number;
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  public int number() {
    return number;
  }

  /** The active parameters of this trial (conditional ones only when their condition held). */
  public Map<String, Object> params() {
    return params;
  }

  public boolean has(String name) {
    return params.containsKey(name);
  }

  public Object param(String name) {
    Object value = params.get(name);
    if (value == null) {
      throw new InvalidInputException("trial " + number + " has no parameter '" + name
          + "' (unknown or inactive)");
    }
    return value;
  }

  /** A float parameter, or any numeric one widened to double. */
  public double doubleParam(String name) {
    return as(name, Number.class).doubleValue();
  }

  public int intParam(String name) {
    return as(name, Integer.class);
  }

  public String stringParam(String name) {
    return as(name, String.class);
  }

  private <T> T as(String name, Class<T> type) {
    Object value = param(name);
    if (!type.isInstance(value)) {
      throw new InvalidInputException("parameter " + name + " of trial " + number + " is "
          + value + ", not a " + type.getSimpleName());
    }
    return type.cast(value);
  }

  /** Records the value at {@code step} (an epoch, say) for pruning and plots. */
  public void report(int step, double value) {
    if (step < 0 || !Double.isFinite(value)) {
      throw new InvalidInputException("report needs step >= 0 and a finite value, got step="
          + step + " value=" + value);
    }
    study.storage().report(study.name(), number, step, value);
  }

  /** Whether the study's pruner would stop this trial now. */
  public boolean shouldPrune() {
    return study.shouldPrune(snapshot());
  }

  public void putUserAttribute(String key, Object value) {
    study.storage().setUserAttribute(study.name(), number, key, value);
  }

  /** The trial as stored now. */
  public FrozenTrial snapshot() {
    return study.storage().trial(study.name(), number);
  }
}
