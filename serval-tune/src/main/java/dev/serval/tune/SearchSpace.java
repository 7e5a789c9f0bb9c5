package dev.serval.tune;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.internal.SpaceJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a study, in order. A conditional parameter comes after the categorical
 * parameter it depends on, so that one pass in order decides which parameters a trial has.
 */
public final class SearchSpace {
  private final Map<String, Param> params;
  private final Map<String, Condition> conditions;
  private final List<String> order;

  private SearchSpace(Builder builder) {
    this.params = Map.copyOf(builder.params);
    this.conditions = Map.copyOf(builder.conditions);
    this.order = List.copyOf(builder.params.keySet());
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses the JSON space format: one entry per parameter, e.g. {@code {"lr": {"type": "float",
   * "low": 1e-5, "high": 1, "log": true}}}; see docs/tuning.md. Unknown keys and wrong types are
   * rejected with {@link InvalidInputException}.
   */
  public static SearchSpace fromJson(String json) {
    return SpaceJson.parse(json);
  }

  /** The space in the JSON format {@link #fromJson} reads; equal spaces give equal text. */
  public String toJson() {
    return SpaceJson.write(this);
  }

  /** The parameters in declaration order. */
  public List<Param> params() {
    return order.stream().map(params::get).toList();
  }

  public Param param(String name) {
    Param param = params.get(name);
    if (param == null) {
      throw new InvalidInputException("no parameter '" + name + "' in the search space");
    }
    return param;
  }

  public Optional<Condition> condition(String name) {
    return Optional.ofNullable(conditions.get(name));
  }

  /** Whether {@code name} takes part in a trial whose earlier parameters are {@code chosen}. */
  public boolean isActive(String name, Map<String, Object> chosen) {
    Condition condition = conditions.get(name);
    return condition == null || condition.holds(chosen);
  }

  /** Collects the parameters of a search space, checking each as it is added. */
  public static final class Builder {
    private final Map<String, Param> params = new LinkedHashMap<>();
    private final Map<String, Condition> conditions = new LinkedHashMap<>();

    private Builder() {}

    public Builder add(Param param) {
      require(param != null, "parameter must not be null");
      require(!params.containsKey(param.name()),
          "parameter " + param.name() + " is declared twice");
      params.put(param.name(), param);
      return this;
    }

    /** Adds {@code param}, active only when {@code condition} holds. */
    public Builder add(Param param, Condition condition) {
      require(condition != null, "condition of " + param.name() + " must not be null");
      Param parent = params.get(condition.parent());
      require(parent instanceof CategoricalParam,
          "parameter " + param.name() + ": condition parent '" + condition.parent()
              + "' must be a categorical parameter declared before it");
      List<Object> unknown = new ArrayList<>(condition.values());
      unknown.removeAll(((CategoricalParam) parent).choices());
      require(unknown.isEmpty(), "parameter " + param.name() + ": condition values " + unknown
          + " are not choices of " + parent.name());
      add(param);
      conditions.put(param.name(), condition);
      return this;
    }

    public SearchSpace build() {
      require(!params.isEmpty(), "search space must have at least one parameter");
      return new SearchSpace(this);
    }
  }
}
