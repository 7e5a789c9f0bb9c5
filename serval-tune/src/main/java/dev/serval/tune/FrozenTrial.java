package dev.serval.tune;

import static dev.serval.tune.internal.Checks.require;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * An immutable snapshot of a trial as the storage holds it. {@code params} keeps the order in
 * which the parameters were sampled; {@code intermediate} maps step to reported value.
 */
public record FrozenTrial(
    int number,
    TrialState state,
    Map<String, Object> params,
    OptionalDouble value,
    NavigableMap<Integer, Double> intermediate,
    Instant start,
    Optional<Instant> end,
    Map<String, Object> userAttributes) {

  public FrozenTrial {
    require(number >= 0, "trial number must not be negative, got " + number);
    require(state != null && start != null, "trial " + number + " needs a state and a start");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    intermediate = Collections.unmodifiableNavigableMap(new TreeMap<>(intermediate));
    userAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(userAttributes));
  }

  /** A new RUNNING trial without parameters. */
  public static FrozenTrial started(int number, Instant start) {
    return new FrozenTrial(number, TrialState.RUNNING, Map.of(), OptionalDouble.empty(),
        new TreeMap<>(), start, Optional.empty(), Map.of());
  }

  public FrozenTrial withParams(Map<String, Object> newParams) {
    return new FrozenTrial(number, state, newParams, value, intermediate, start, end,
        userAttributes);
  }

  public FrozenTrial withReport(int step, double reported) {
    NavigableMap<Integer, Double> values = new TreeMap<>(intermediate);
    values.put(step, reported);
    return new FrozenTrial(number, state, params, value, values, start, end, userAttributes);
  }

  public FrozenTrial withUserAttribute(String key, Object attribute) {
    Map<String, Object> attributes = new LinkedHashMap<>(userAttributes);
    attributes.put(key, attribute);
    return new FrozenTrial(number, state, params, value, intermediate, start, end, attributes);
  }

  public FrozenTrial finished(TrialState finalState, OptionalDouble finalValue, Instant at) {
    return new FrozenTrial(number, finalState, params, finalValue, intermediate, start,
        Optional.of(at), userAttributes);
  }

  /** Run time, once the trial has finished. */
  public Optional<Duration> duration() {
    return end.map(e -> Duration.between(start, e));
  }

  /** The value reported at the highest step so far. */
  public OptionalDouble lastIntermediate() {
    return intermediate.isEmpty()
        ? OptionalDouble.empty()
        : OptionalDouble.of(intermediate.lastEntry().getValue());
  }
}
