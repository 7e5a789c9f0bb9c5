package dev.serval.tune.importance.internal;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.FloatParam;
import dev.serval.tune.IntParam;
import dev.serval.tune.Param;
import java.util.List;
import java.util.Objects;

/**
 * One parameter's domain as a few points where the densities of two sets of trials are compared.
 * Each density is a mixture: one kernel per observed value plus a uniform prior of the weight of
 * one observation, so that it is positive everywhere and a ratio of two densities is defined.
 */
public abstract sealed class GridDensity {
  private GridDensity() {}

  /**
   * @param maxPoints grid size of a continuous domain; a discrete one with at most that many
   *     values is compared at its own values
   */
  public static GridDensity of(Param param, int maxPoints) {
    if (param instanceof CategoricalParam categorical) {
      return new Categorical(categorical.choices());
    }
    if (param instanceof FloatParam f) {
      long count = f.step() > 0 ? Math.round((f.high() - f.low()) / f.step()) + 1 : 0;
      return ordered(new UnitScale(f.low(), f.high(), f.log()), param, count, maxPoints);
    }
    IntParam i = (IntParam) param;
    long count = ((long) i.high() - i.low()) / i.step() + 1;
    return ordered(new UnitScale(i.low(), i.high(), i.log()), param, count, maxPoints);
  }

  /** @param count values of a discrete domain; 0 for a continuous one */
  private static GridDensity ordered(UnitScale scale, Param param, long count, int maxPoints) {
    double[] grid;
    if (count > 0 && count <= maxPoints) {
      grid = param.gridValues().orElseThrow().stream()
          .mapToDouble(v -> scale.toUnit(((Number) v).doubleValue())).toArray();
    } else {
      grid = new double[maxPoints];
      for (int g = 0; g < maxPoints; g++) {
        grid[g] = g / (maxPoints - 1.0);
      }
    }
    return new Ordered(scale, grid);
  }

  /** The density of {@code values} at each grid point; the result sums to 1. */
  public abstract double[] density(List<Object> values);

  /** Where a value lies in [0, 1] on its parameter's scale (log or linear). */
  private record UnitScale(double low, double high, boolean log) {
    double toUnit(double value) {
      double u = log
          ? (Math.log(value) - Math.log(low)) / (Math.log(high) - Math.log(low))
          : (value - low) / (high - low);
      return Math.min(1, Math.max(0, u));
    }
  }

  /** Numbers: a Gaussian kernel per value, bandwidth by Scott's rule, cut to the grid. */
  private static final class Ordered extends GridDensity {
    private static final double SCOTT = 1.06;
    private final UnitScale scale;
    private final double[] grid;
    /** The narrowest kernel: about one grid cell, so that each value covers a grid point. */
    private final double minBandwidth;

    private Ordered(UnitScale scale, double[] grid) {
      this.scale = scale;
      this.grid = grid;
      this.minBandwidth = 1.0 / Math.max(1, grid.length - 1);
    }

    @Override
    public double[] density(List<Object> values) {
      double[] x = values.stream().mapToDouble(v -> scale.toUnit(((Number) v).doubleValue()))
          .toArray();
      double h = Math.max(minBandwidth, SCOTT * deviation(x) * Math.pow(x.length, -0.2));
      double[] density = new double[grid.length];
      double[] kernel = new double[grid.length];
      for (double xi : x) {
        double sum = 0;
        for (int g = 0; g < grid.length; g++) {
          double z = (grid[g] - xi) / h;
          kernel[g] = Math.exp(-0.5 * z * z);
          sum += kernel[g];
        }
        for (int g = 0; g < grid.length; g++) {
          density[g] += kernel[g] / sum;
        }
      }
      return withPrior(density, x.length);
    }

    private static double deviation(double[] x) {
      double mean = 0;
      for (double v : x) {
        mean += v / x.length;
      }
      double squares = 0;
      for (double v : x) {
        squares += (v - mean) * (v - mean);
      }
      return x.length < 2 ? 0 : Math.sqrt(squares / (x.length - 1));
    }
  }

  /** Choices without order: the share of each choice. */
  private static final class Categorical extends GridDensity {
    private final List<Object> choices;

    private Categorical(List<Object> choices) {
      this.choices = choices;
    }

    @Override
    public double[] density(List<Object> values) {
      double[] counts = new double[choices.size()];
      for (Object value : values) {
        counts[indexOf(value)]++;
      }
      return withPrior(counts, values.size());
    }

    private int indexOf(Object value) {
      for (int c = 0; c < choices.size(); c++) {
        if (same(choices.get(c), value)) {
          return c;
        }
      }
      throw new IllegalArgumentException("value " + value + " is not one of " + choices);
    }

    /** Stored JSON may read 2.0 back as 2: numbers are the same choice when equal in value. */
    private static boolean same(Object choice, Object value) {
      return Objects.equals(choice, value) || choice instanceof Number a
          && value instanceof Number b && a.doubleValue() == b.doubleValue();
    }
  }

  /** Adds a uniform observation to {@code mass} (one unit per value) and normalises. */
  private static double[] withPrior(double[] mass, int observations) {
    double[] density = new double[mass.length];
    for (int g = 0; g < mass.length; g++) {
      density[g] = (mass[g] + 1.0 / mass.length) / (observations + 1.0);
    }
    return density;
  }
}
