package dev.serval.tune;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.tune.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real-valued parameter in [low, high]. {@code log} samples uniformly on a log scale;
 * {@code step > 0} restricts values to {@code low + k * step}. The two exclude each other;
 * {@code step == 0} means continuous.
 */
public record FloatParam(String name, double low, double high, boolean log, double step)
    implements Param {
  public FloatParam {
    Checks.name("parameter", name);
    String p = "parameter " + name + ": ";
    require(Double.isFinite(low) && Double.isFinite(high) && low < high,
        p + "low must be below high, got low=" + low + " high=" + high);
    require(!log || low > 0, p + "log scale needs low > 0, got low=" + low);
    require(Double.isFinite(step) && step >= 0, p + "step must be >= 0, got " + step);
    require(!(log && step > 0), p + "log and step exclude each other, got step=" + step);
    require(step == 0 || Checks.divides(low, high, step),
        p + "step " + step + " must divide the range [" + low + ", " + high + "]");
  }

  public static FloatParam uniform(String name, double low, double high) {
    return new FloatParam(name, low, high, false, 0);
  }

  public static FloatParam logUniform(String name, double low, double high) {
    return new FloatParam(name, low, high, true, 0);
  }

  public static FloatParam stepped(String name, double low, double high, double step) {
    return new FloatParam(name, low, high, false, step);
  }

  /** The number of grid points above {@code low} when stepped. */
  private long stepCount() {
    return Math.round((high - low) / step);
  }

  @Override
  public Object fromUnit(double u) {
    double value;
    if (log) {
      value = Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)));
    } else if (step > 0) {
      value = onGrid(Math.min((long) Math.floor(u * (stepCount() + 1)), stepCount()));
    } else {
      value = low + u * (high - low);
    }
    return Math.min(high, Math.max(low, value));
  }

  /** The grid point nearest to {@code value}; {@code value} itself when not stepped. */
  public double snap(double value) {
    double clamped = Math.min(high, Math.max(low, value));
    return step > 0 ? onGrid(Math.round((clamped - low) / step)) : clamped;
  }

  private double onGrid(long k) {
    return Math.min(high, low + k * step);
  }

  @Override
  public boolean contains(Object value) {
    if (!(value instanceof Double)) {
      return false;
    }
    double v = (Double) value;
    return v >= low && v <= high && (step == 0 || Checks.divides(low, v, step) || v == high);
  }

  @Override
  public Optional<List<Object>> gridValues() {
    if (step == 0) {
      return Optional.empty();
    }
    List<Object> values = new ArrayList<>();
    for (long k = 0; k <= stepCount(); k++) {
      values.add(onGrid(k));
    }
    return Optional.of(values);
  }
}
