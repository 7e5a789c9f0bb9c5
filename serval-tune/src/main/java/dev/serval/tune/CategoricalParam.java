package dev.serval.tune;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.tune.internal.Checks;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/** A parameter that takes one of a list of distinct strings, numbers or booleans. */
public record CategoricalParam(String name, List<Object> choices) implements Param {
  public CategoricalParam {
    Checks.name("parameter", name);
    String p = "parameter " + name + ": ";
    require(choices != null && !choices.isEmpty(), p + "choices must not be empty");
    for (Object c : choices) {
      require(c instanceof String || c instanceof Number || c instanceof Boolean,
          p + "choices must be strings, numbers or booleans, got " + c);
    }
    require(new HashSet<>(choices).size() == choices.size(),
        p + "choices must be distinct, got " + choices);
    choices = List.copyOf(choices);
  }

  public static CategoricalParam of(String name, Object... choices) {
    return new CategoricalParam(name, List.of(choices));
  }

  @Override
  public Object fromUnit(double u) {
    return choices.get(Math.min((int) Math.floor(u * choices.size()), choices.size() - 1));
  }

  @Override
  public boolean contains(Object value) {
    return choices.contains(value);
  }

  @Override
  public Optional<List<Object>> gridValues() {
    return Optional.of(choices);
  }
}
