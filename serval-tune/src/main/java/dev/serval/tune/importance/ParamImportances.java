package dev.serval.tune.importance;

import static dev.serval.tune.internal.Checks.require;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much each parameter explains the good trials of a study.
 *
 * @param method the evaluator, e.g. {@value PedAnova#METHOD}
 * @param importances share of each parameter, largest first; the shares sum to 1
 * @param trials the complete trials the shares were computed from
 */
public record ParamImportances(String method, Map<String, Double> importances, int trials) {
  public ParamImportances {
    require(method != null && !method.isBlank(), "method must not be blank, got " + method);
    require(trials >= 0, "trials must not be negative, got " + trials);
    importances = Collections.unmodifiableMap(new LinkedHashMap<>(importances));
  }
}
