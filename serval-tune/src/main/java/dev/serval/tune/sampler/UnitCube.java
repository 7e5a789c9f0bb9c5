package dev.serval.tune.sampler;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.FloatParam;
import dev.serval.tune.IntParam;
import dev.serval.tune.Param;
import dev.serval.tune.SearchSpace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places parameter values in the unit cube for the model-based samplers: a numeric parameter
 * takes one coordinate on its modelled scale (log for log parameters, widened by half a step for
 * stepped and integer ones so that every grid value owns an equal share), a categorical one
 * coordinate per choice (one-hot). Decoding rounds to the grid and takes the largest coordinate
 * of a one-hot block, so {@link #snap} gives the point a suggestion really lands on.
 */
final class UnitCube {
  private final List<Param> params;
  private final List<NumericDomain> domains;
  private final int[] offsets;
  private final int dimension;

  private UnitCube(List<Param> params) {
    this.params = List.copyOf(params);
    this.domains = new ArrayList<>();
    this.offsets = new int[params.size()];
    int next = 0;
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      offsets[i] = next;
      domains.add(p instanceof CategoricalParam ? null : NumericDomain.of(p));
      next += p instanceof CategoricalParam c ? c.choices().size() : 1;
    }
    this.dimension = next;
  }

  /** The parameters every trial has: those without a condition. */
  static UnitCube unconditional(SearchSpace space, boolean numericOnly) {
    return new UnitCube(space.params().stream()
        .filter(p -> space.condition(p.name()).isEmpty())
        .filter(p -> !numericOnly || !(p instanceof CategoricalParam))
        .toList());
  }

  int dimension() {
    return dimension;
  }

  boolean isEmpty() {
    return params.isEmpty();
  }

  /** Whether coordinate {@code k} belongs to a one-hot block. */
  boolean isCategorical(int k) {
    return domains.get(paramOf(k)) == null;
  }

  /** Whether {@code values} has every parameter of this cube. */
  boolean covers(Map<String, Object> values) {
    return params.stream().allMatch(p -> values.containsKey(p.name()));
  }

  double[] encode(Map<String, Object> values) {
    double[] u = new double[dimension];
    for (int i = 0; i < params.size(); i++) {
      Object value = values.get(params.get(i).name());
      NumericDomain domain = domains.get(i);
      if (domain == null) {
        u[offsets[i] + ((CategoricalParam) params.get(i)).choices().indexOf(value)] = 1;
      } else {
        u[offsets[i]] = (domain.toModel(value) - domain.low()) / (domain.high() - domain.low());
      }
    }
    return u;
  }

  Map<String, Object> decode(double[] u) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      NumericDomain domain = domains.get(i);
      Param p = params.get(i);
      if (domain == null) {
        values.put(p.name(), ((CategoricalParam) p).choices().get(argmaxOfBlock(u, i)));
      } else {
        double clamped = Math.min(1, Math.max(0, u[offsets[i]]));
        values.put(p.name(), domain.toValue(domain.low() + clamped * (domain.high()
            - domain.low())));
      }
    }
    return values;
  }

  /** The point of the cube that a suggestion made from {@code u} lands on. */
  double[] snap(double[] u) {
    return encode(decode(u));
  }

  private int argmaxOfBlock(double[] u, int param) {
    int size = ((CategoricalParam) params.get(param)).choices().size();
    int best = 0;
    for (int c = 1; c < size; c++) {
      if (u[offsets[param] + c] > u[offsets[param] + best]) {
        best = c;
      }
    }
    return best;
  }

  private int paramOf(int coordinate) {
    int i = offsets.length - 1;
    while (offsets[i] > coordinate) {
      i--;
    }
    return i;
  }
}
