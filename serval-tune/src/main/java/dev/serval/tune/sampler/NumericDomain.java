package dev.serval.tune.sampler;

import dev.serval.tune.FloatParam;
import dev.serval.tune.IntParam;
import dev.serval.tune.Param;

/**
 * A numeric parameter as TPE models it: a log transform for log scales, and for stepped
 * parameters the range widened by half a step so that every grid point owns an equal bin of
 * width {@code q}. {@code q == 0} means continuous.
 */
record NumericDomain(double low, double high, double q, boolean log, Snapper snapper) {
  /** Turns a point of the modelled range into a value of the parameter. */
  interface Snapper {
    Object snap(double value);
  }

  /** The domain of a float or int parameter. */
  static NumericDomain of(Param p) {
    if (p instanceof FloatParam f) {
      return of(f);
    }
    if (p instanceof IntParam i) {
      return of(i);
    }
    throw new IllegalArgumentException(p.name() + " is not numeric");
  }

  static NumericDomain of(FloatParam p) {
    if (p.log()) {
      return new NumericDomain(Math.log(p.low()), Math.log(p.high()), 0, true, p::snap);
    }
    double half = p.step() / 2;
    return new NumericDomain(p.low() - half, p.high() + half, p.step(), false, p::snap);
  }

  static NumericDomain of(IntParam p) {
    if (p.log()) {
      return new NumericDomain(Math.log(p.low() - 0.5), Math.log(p.high() + 0.5), 0, true,
          p::snap);
    }
    double half = p.step() / 2.0;
    return new NumericDomain(p.low() - half, p.high() + half, p.step(), false, p::snap);
  }

  double toModel(Object value) {
    double v = ((Number) value).doubleValue();
    return log ? Math.log(v) : v;
  }

  Object toValue(double x) {
    return snapper.snap(log ? Math.exp(x) : x);
  }
}
