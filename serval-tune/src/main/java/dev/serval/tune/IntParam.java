package dev.serval.tune;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.tune.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An integer parameter in [low, high] on the grid {@code low + k * step}. {@code log} samples
 * uniformly on a log scale and needs {@code step == 1}.
 */
public record IntParam(String name, int low, int high, boolean log, int step) implements Param {
  public IntParam {
    Checks.name("parameter", name);
    String p = "parameter " + name + ": ";
    require(low < high, p + "low must be below high, got low=" + low + " high=" + high);
    require(!log || low > 0, p + "log scale needs low > 0, got low=" + low);
    require(step >= 1, p + "step must be >= 1, got " + step);
    require(!(log && step > 1), p + "log and step exclude each other, got step=" + step);
    require(((long) high - low) % step == 0,
        p + "step " + step + " must divide the range [" + low + ", " + high + "]");
  }

  public static IntParam of(String name, int low, int high) {
    return new IntParam(name, low, high, false, 1);
  }

  public static IntParam logUniform(String name, int low, int high) {
    return new IntParam(name, low, high, true, 1);
  }

  public static IntParam stepped(String name, int low, int high, int step) {
    return new IntParam(name, low, high, false, step);
  }

  private long stepCount() {
    return ((long) high - low) / step;
  }

  @Override
  public Object fromUnit(double u) {
    if (log) {
      // Widen by half a unit so that the end values get their share after rounding.
      double lo = Math.log(low - 0.5);
      double hi = Math.log(high + 0.5);
      return snap(Math.exp(lo + u * (hi - lo)));
    }
    return onGrid(Math.min((long) Math.floor(u * (stepCount() + 1)), stepCount()));
  }

  /** The grid point nearest to {@code value}, clamped to [low, high]. */
  public int snap(double value) {
    double clamped = Math.min(high, Math.max(low, value));
    return onGrid(Math.round((clamped - low) / step));
  }

  private int onGrid(long k) {
    return (int) (low + k * step);
  }

  @Override
  public boolean contains(Object value) {
    if (!(value instanceof Integer)) {
      return false;
    }
    int v = (Integer) value;
    return v >= low && v <= high && ((long) v - low) % step == 0;
  }

  @Override
  public Optional<List<Object>> gridValues() {
    List<Object> values = new ArrayList<>();
    for (long k = 0; k <= stepCount(); k++) {
      values.add(onGrid(k));
    }
    return Optional.of(values);
  }
}
