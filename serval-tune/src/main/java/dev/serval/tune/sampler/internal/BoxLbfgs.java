package dev.serval.tune.sampler.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Minimises a smooth function inside a box with limited-memory BFGS: the two-loop recursion
 * gives the direction from the gradient of the coordinates not held at a bound, a backtracking
 * line search projects every trial point onto the box.
 * Projection keeps it simple; it is enough for the few well-scaled hyperparameters of a GP.
 */
public final class BoxLbfgs {
  private static final int MEMORY = 6;
  private static final double ARMIJO = 1e-4;
  private static final int MAX_HALVINGS = 30;

  /** A function that writes its gradient at {@code x} into {@code gradient}. */
  @FunctionalInterface
  public interface Objective {
    double valueAndGradient(double[] x, double[] gradient);
  }

  /** The best point found and its value. */
  public record Result(double[] point, double value) {}

  private final double[] lower;
  private final double[] upper;
  private final int maxIterations;
  private final double tolerance;
  private final double gradientTolerance;

  /**
   * Stops after {@code maxIterations}, when an iteration improves the value by less than
   * {@code tolerance} times its magnitude, or when the gradient of the coordinates free to move
   * is shorter than {@code gradientTolerance}.
   */
  public BoxLbfgs(double[] lower, double[] upper, int maxIterations, double tolerance,
      double gradientTolerance) {
    this.lower = lower.clone();
    this.upper = upper.clone();
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
    this.gradientTolerance = gradientTolerance;
  }

  public Result minimize(Objective f, double[] start) {
    int n = start.length;
    double[] x = project(start);
    double[] g = new double[n];
    double fx = f.valueAndGradient(x, g);
    Deque<double[][]> memory = new ArrayDeque<>();
    for (int iteration = 0; iteration < maxIterations; iteration++) {
      double[] free = freeGradient(x, g);
      if (Math.sqrt(dot(free, free)) < gradientTolerance) {
        break;
      }
      double[] direction = withoutBlocked(x, direction(free, memory));
      double step = 1;
      if (dot(direction, free) >= 0) {
        memory.clear();
        direction = scaled(free, -1);
      }
      if (memory.isEmpty()) {
        // Without curvature pairs a unit step along a steep gradient overshoots, and every
        // halving back costs an evaluation (a Cholesky factorisation in a GP fit).
        step = 1 / Math.max(1, Math.sqrt(dot(free, free)));
      }
      double[] gNext = new double[n];
      double[] xNext = null;
      double fNext = Double.NaN;
      for (int halving = 0; halving < MAX_HALVINGS; halving++, step /= 2) {
        double[] candidate = project(plus(x, scaled(direction, step)));
        fNext = f.valueAndGradient(candidate, gNext);
        if (fNext <= fx + ARMIJO * dot(g, minus(candidate, x))) {
          xNext = candidate;
          break;
        }
      }
      if (xNext == null || !Double.isFinite(fNext)) {
        break;
      }
      double[] s = minus(xNext, x);
      double[] y = minus(gNext, g);
      if (dot(s, y) > 1e-12) {
        memory.addFirst(new double[][] {s, y});
        if (memory.size() > MEMORY) {
          memory.removeLast();
        }
      }
      double improvement = fx - fNext;
      x = xNext;
      g = gNext;
      fx = fNext;
      if (improvement < tolerance * Math.max(1, Math.abs(fx))) {
        break;
      }
    }
    return new Result(x, fx);
  }

  /** The two-loop recursion: {@code -H g} with H from the stored pairs, newest first. */
  private static double[] direction(double[] g, Deque<double[][]> memory) {
    double[] q = g.clone();
    double[] alphas = new double[memory.size()];
    int i = 0;
    for (double[][] pair : memory) {
      alphas[i] = dot(pair[0], q) / dot(pair[0], pair[1]);
      axpy(-alphas[i], pair[1], q);
      i++;
    }
    if (!memory.isEmpty()) {
      double[][] newest = memory.peekFirst();
      double gamma = dot(newest[0], newest[1]) / dot(newest[1], newest[1]);
      q = scaled(q, gamma);
    }
    Iterator<double[][]> oldestFirst = memory.descendingIterator();
    for (int k = memory.size() - 1; k >= 0; k--) {
      double[][] pair = oldestFirst.next();
      double beta = dot(pair[1], q) / dot(pair[0], pair[1]);
      axpy(alphas[k] - beta, pair[0], q);
    }
    return scaled(q, -1);
  }

  /**
   * The gradient without the components that push against an active bound: those coordinates
   * cannot move, so they must neither steer the direction nor scale the first step.
   */
  private double[] freeGradient(double[] x, double[] g) {
    return withoutBlocked(x, scaled(g, -1), g);
  }

  private double[] withoutBlocked(double[] x, double[] direction) {
    return withoutBlocked(x, direction, direction);
  }

  /** {@code values} with zeros where {@code direction} leaves the box from a bound of x. */
  private double[] withoutBlocked(double[] x, double[] direction, double[] values) {
    double[] r = values.clone();
    for (int i = 0; i < x.length; i++) {
      if ((x[i] <= lower[i] && direction[i] < 0) || (x[i] >= upper[i] && direction[i] > 0)) {
        r[i] = 0;
      }
    }
    return r;
  }

  private double[] project(double[] x) {
    double[] p = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
    }
    return p;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static double[] scaled(double[] x, double a) {
    double[] r = new double[x.length];
    axpy(a, x, r);
    return r;
  }

  private static double[] plus(double[] a, double[] b) {
    double[] r = a.clone();
    axpy(1, b, r);
    return r;
  }

  private static double[] minus(double[] a, double[] b) {
    double[] r = a.clone();
    axpy(-1, b, r);
    return r;
  }
}
