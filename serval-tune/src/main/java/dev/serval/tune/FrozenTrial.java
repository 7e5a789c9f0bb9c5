package dev.serval.tune;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.core.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * An immutable snapshot of a trial as the storage holds it. {@code params} keeps the order in
 * which the parameters were sampled; {@code values} holds one value per objective once the trial
 * is complete (a pruned trial keeps its last intermediate value); {@code intermediate} maps step
 * to reported value.
 */
public record FrozenTrial(
    int number,
    TrialState state,
    Map<String, Object> params,
    List<Double> values,
    NavigableMap<Integer, Double> intermediate,
    Instant start,
    Optional<Instant> end,
    Map<String, Object> userAttributes) {

  /** User attribute holding the constraint values of a constrained study's complete trial. */
  public static final String CONSTRAINTS = "constraints";

  public FrozenTrial {
    require(number >= 0, "trial number must not be negative, got " + number);
    require(state != null && start != null, "trial " + number + " needs a state and a start");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    values = List.copyOf(values);
    intermediate = Collections.unmodifiableNavigableMap(new TreeMap<>(intermediate));
    userAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(userAttributes));
  }

  /** A new RUNNING trial without parameters. */
  public static FrozenTrial started(int number, Instant start) {
    return new FrozenTrial(number, TrialState.RUNNING, Map.of(), List.of(),
        new TreeMap<>(), start, Optional.empty(), Map.of());
  }

  public FrozenTrial withParams(Map<String, Object> newParams) {
    return new FrozenTrial(number, state, newParams, values, intermediate, start, end,
        userAttributes);
  }

  public FrozenTrial withReport(int step, double reported) {
    NavigableMap<Integer, Double> steps = new TreeMap<>(intermediate);
    steps.put(step, reported);
    return new FrozenTrial(number, state, params, values, steps, start, end, userAttributes);
  }

  public FrozenTrial withUserAttribute(String key, Object attribute) {
    Map<String, Object> attributes = new LinkedHashMap<>(userAttributes);
    attributes.put(key, attribute);
    return new FrozenTrial(number, state, params, values, intermediate, start, end, attributes);
  }

  public FrozenTrial finished(TrialState finalState, List<Double> finalValues, Instant at) {
    return new FrozenTrial(number, finalState, params, finalValues, intermediate, start,
        Optional.of(at), userAttributes);
  }

  /**
   * The value of a single-objective trial, empty while it has none.
   *
   * @throws InvalidInputException if the trial has one value per objective of several
   */
  public OptionalDouble value() {
    if (values.size() > 1) {
      throw new InvalidInputException("trial " + number + " has " + values.size()
          + " values, one per objective; use values()");
    }
    return values.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(values.get(0));
  }

  /**
   * The trial's constraint values as {@code Study.Builder.constraints} computed them when it
   * completed; empty for a study without constraints.
   */
  public Optional<double[]> constraints() {
    return userAttributes.get(CONSTRAINTS) instanceof List<?> c
        ? Optional.of(c.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray())
        : Optional.empty();
  }

  /** The sum of the positive constraint values: 0 when feasible or without constraints. */
  public double violation() {
    return constraints().map(c -> Arrays.stream(c).filter(v -> v > 0).sum()).orElse(0.0);
  }

  public boolean isFeasible() {
    return violation() == 0;
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
