package dev.serval.tune.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Pareto ranking and hypervolume on loss vectors (smaller is better in every coordinate), as
 * NSGA-II and MOTPE use them. Constrained domination follows Deb's rules as Optuna applies them:
 * a feasible point (violation 0) dominates an infeasible one, and of two infeasible points the
 * one with the smaller total violation dominates.
 */
public final class Pareto {
  private Pareto() {}

  /** Whether {@code a} is at least as good as {@code b} everywhere and better somewhere. */
  public static boolean dominates(double[] a, double[] b) {
    boolean better = false;
    for (int i = 0; i < a.length; i++) {
      if (a[i] > b[i]) {
        return false;
      }
      better |= a[i] < b[i];
    }
    return better;
  }

  /** Non-domination rank of every point: 0 for the Pareto front, 1 for the next, ... */
  public static int[] ranks(double[][] losses) {
    return ranks(losses, new double[losses.length]);
  }

  /** {@link #ranks} under constrained domination; {@code violations} are 0 when feasible. */
  public static int[] ranks(double[][] losses, double[] violations) {
    int n = losses.length;
    int[] dominatedBy = new int[n];
    List<List<Integer>> dominates = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      dominates.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (constrainedDominates(losses[i], violations[i], losses[j], violations[j])) {
          dominates.get(i).add(j);
          dominatedBy[j]++;
        } else if (constrainedDominates(losses[j], violations[j], losses[i], violations[i])) {
          dominates.get(j).add(i);
          dominatedBy[i]++;
        }
      }
    }
    int[] ranks = new int[n];
    List<Integer> front = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (dominatedBy[i] == 0) {
        front.add(i);
      }
    }
    for (int rank = 0; !front.isEmpty(); rank++) {
      List<Integer> next = new ArrayList<>();
      for (int i : front) {
        ranks[i] = rank;
        for (int j : dominates.get(i)) {
          if (--dominatedBy[j] == 0) {
            next.add(j);
          }
        }
      }
      front = next;
    }
    return ranks;
  }

  private static boolean constrainedDominates(double[] a, double va, double[] b, double vb) {
    if (va == 0 && vb == 0) {
      return dominates(a, b);
    }
    return va < vb;
  }

  /**
   * NSGA-II crowding distance of each point of one front: the sum over objectives of the gap
   * between its neighbours, normalised by the objective's range; the extremes get infinity.
   */
  public static double[] crowdingDistances(double[][] front) {
    int n = front.length;
    double[] distance = new double[n];
    if (n == 0) {
      return distance;
    }
    Integer[] order = new Integer[n];
    for (int m = 0; m < front[0].length; m++) {
      int objective = m;
      Arrays.setAll(order, i -> i);
      Arrays.sort(order, Comparator.comparingDouble(i -> front[i][objective]));
      double range = front[order[n - 1]][m] - front[order[0]][m];
      distance[order[0]] = Double.POSITIVE_INFINITY;
      distance[order[n - 1]] = Double.POSITIVE_INFINITY;
      for (int k = 1; k < n - 1 && range > 0; k++) {
        distance[order[k]] += (front[order[k + 1]][m] - front[order[k - 1]][m]) / range;
      }
    }
    return distance;
  }

  /**
   * The volume dominated by {@code points} and bounded by {@code reference}, by slicing along
   * the last objective (exact; fine for the few dozen points MOTPE measures).
   */
  public static double hypervolume(List<double[]> points, double[] reference) {
    List<double[]> inside = points.stream().filter(p -> below(p, reference)).toList();
    return slice(inside, reference, reference.length);
  }

  private static boolean below(double[] p, double[] reference) {
    for (int i = 0; i < p.length; i++) {
      if (!(p[i] < reference[i])) {
        return false;
      }
    }
    return true;
  }

  private static double slice(List<double[]> points, double[] reference, int dims) {
    if (points.isEmpty()) {
      return 0;
    }
    int last = dims - 1;
    if (dims == 1) {
      return reference[0] - points.stream().mapToDouble(p -> p[0]).min().orElseThrow();
    }
    List<double[]> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingDouble(p -> p[last]));
    double volume = 0;
    for (int i = 0; i < sorted.size(); i++) {
      double top = i + 1 < sorted.size() ? sorted.get(i + 1)[last] : reference[last];
      double height = top - sorted.get(i)[last];
      if (height > 0) {
        volume += height * slice(sorted.subList(0, i + 1), reference, dims - 1);
      }
    }
    return volume;
  }

  /**
   * Greedy hypervolume subset selection: {@code size} indices of {@code points}, each step adding
   * the point that adds the most hypervolume (a 1 - 1/e approximation of the best subset).
   */
  public static int[] greedySubset(double[][] points, int size, double[] reference) {
    List<double[]> chosen = new ArrayList<>();
    boolean[] taken = new boolean[points.length];
    int[] picked = new int[size];
    for (int s = 0; s < size; s++) {
      double base = hypervolume(chosen, reference);
      int best = -1;
      double bestGain = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < points.length; i++) {
        if (!taken[i]) {
          chosen.add(points[i]);
          double gain = hypervolume(chosen, reference) - base;
          chosen.remove(chosen.size() - 1);
          if (gain > bestGain) {
            best = i;
            bestGain = gain;
          }
        }
      }
      taken[best] = true;
      chosen.add(points[best]);
      picked[s] = best;
    }
    return picked;
  }

  /** How much hypervolume each point adds to the others: HV(all) - HV(all but it). */
  public static double[] contributions(double[][] points, double[] reference) {
    List<double[]> all = Arrays.asList(points);
    double total = hypervolume(all, reference);
    double[] contribution = new double[points.length];
    for (int i = 0; i < points.length; i++) {
      List<double[]> others = new ArrayList<>(all);
      others.remove(i);
      contribution[i] = total - hypervolume(others, reference);
    }
    return contribution;
  }

  /**
   * MOTPE's reference point for a set of losses: 10 % beyond the worst value of each objective
   * (on the far side of 0 for negative worst values), and a tiny positive number where it is 0.
   */
  public static double[] referencePoint(double[][] losses) {
    double[] reference = new double[losses[0].length];
    for (int m = 0; m < reference.length; m++) {
      double worst = Double.NEGATIVE_INFINITY;
      for (double[] l : losses) {
        worst = Math.max(worst, l[m]);
      }
      reference[m] = Math.max(1.1 * worst, 0.9 * worst);
      if (reference[m] == 0) {
        reference[m] = 1e-12;
      }
    }
    return reference;
  }
}
