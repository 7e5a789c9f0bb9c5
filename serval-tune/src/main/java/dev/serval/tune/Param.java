package dev.serval.tune;

import java.util.List;
import java.util.Optional;

/** One dimension of a {@link SearchSpace}: a named domain that samplers draw values from. */
public sealed interface Param permits FloatParam, IntParam, CategoricalParam {
  String name();

  /**
   * Maps {@code u} in [0, 1) onto the domain so that a uniform {@code u} gives a value uniform on
   * the parameter's own scale (log, step grid or choice index). Random and quasi-random samplers
   * share this mapping.
   */
  Object fromUnit(double u);

  /** Whether {@code value} is a value this parameter can take. */
  boolean contains(Object value);

  /** Every value of a finite domain, in order; empty for a continuous one. */
  Optional<List<Object>> gridValues();
}
