package dev.serval.tune;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.tune.internal.Checks;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes a parameter active only when the categorical parameter {@code parent} took one of
 * {@code values} in the same trial (e.g. {@code momentum} only when {@code optimizer == "sgd"}).
 */
public record Condition(String parent, Set<Object> values) {
  public Condition {
    Checks.name("condition parent", parent);
    require(values != null && !values.isEmpty(),
        "condition on " + parent + " needs at least one value");
    values = Set.copyOf(values);
  }

  public static Condition when(String parent, Object... values) {
    return new Condition(parent, Set.copyOf(List.of(values)));
  }

  /** Whether the parameters chosen so far in a trial satisfy this condition. */
  public boolean holds(Map<String, Object> chosen) {
    return chosen.containsKey(parent) && values.contains(chosen.get(parent));
  }
}
