package dev.serval.tune.sampler;

import dev.serval.tune.FrozenTrial;
import dev.serval.tune.StudyView;
import dev.serval.tune.TrialState;
import dev.serval.tune.internal.Pareto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * TPE's split of the observed trials into the good ("below", best {@code min(ceil(0.1 n), 25)})
 * and the rest, as Optuna 3.1 splits them:
 * <ul>
 *   <li>one objective: complete trials by loss, then pruned ones (those that got further first,
 *       then by their last intermediate value);
 *   <li>several objectives: complete trials by non-domination rank; the rank that does not fit
 *       whole is cut by greedy hypervolume subset selection. Good trials are weighted by their
 *       hypervolume contribution (MOTPE);
 *   <li>constraints: feasible trials first. While there are enough feasible trials, the good ones
 *       are the best feasible and every infeasible trial is "above"; otherwise the good ones are
 *       those with the least violation.
 * </ul>
 * Both sides are in trial order, so that the newest observations weigh most.
 *
 * @param belowWeights weight of each good trial for several objectives; null for one objective
 *     (the estimator then uses {@link #defaultWeights})
 */
record TpeSplit(List<FrozenTrial> below, double[] belowWeights, List<FrozenTrial> above) {
  private static final int FLAT_WEIGHTS = 25;
  private static final double EPS = 1e-12;

  /** How many trials the split is over: complete ones, and pruned ones for one objective. */
  static List<FrozenTrial> observed(StudyView study) {
    boolean multi = study.isMultiObjective();
    return study.trials().stream()
        .filter(t -> t.state() == TrialState.COMPLETE && !t.values().isEmpty()
            || !multi && t.state() == TrialState.PRUNED)
        .toList();
  }

  static TpeSplit of(StudyView study, List<FrozenTrial> observed) {
    int n = observed.size();
    int nBelow = Math.min((int) Math.ceil(0.1 * n), FLAT_WEIGHTS);
    double[] violation = observed.stream().mapToDouble(t -> violation(study, t)).toArray();
    Integer[] byViolation = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(byViolation, Comparator.comparingDouble(i -> violation[i]));
    boolean[] below = new boolean[n];
    if (nBelow >= n || violation[byViolation[nBelow]] > 0) {
      for (int i = 0; i < nBelow; i++) {
        below[byViolation[i]] = true;
      }
    } else {
      List<Integer> feasible = IntStream.range(0, n).filter(i -> violation[i] == 0).boxed()
          .toList();
      for (int i : bestOf(study, feasible.stream().map(observed::get).toList(), nBelow)) {
        below[feasible.get(i)] = true;
      }
    }
    List<FrozenTrial> good = new ArrayList<>();
    List<FrozenTrial> rest = new ArrayList<>();
    List<Double> goodViolation = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (below[i]) {
        good.add(observed.get(i));
        goodViolation.add(violation[i]);
      } else {
        rest.add(observed.get(i));
      }
    }
    double[] weights = study.isMultiObjective() ? hypervolumeWeights(study, good, goodViolation)
        : null;
    return new TpeSplit(good, weights, rest);
  }

  private static double violation(StudyView study, FrozenTrial trial) {
    if (!study.hasConstraints()) {
      return 0;
    }
    return trial.state() == TrialState.COMPLETE && trial.constraints().isPresent()
        ? trial.violation()
        : Double.POSITIVE_INFINITY;
  }

  /** Indices (into {@code trials}) of the {@code count} best. */
  private static int[] bestOf(StudyView study, List<FrozenTrial> trials, int count) {
    if (study.isMultiObjective()) {
      return paretoBest(trials.stream().map(study::losses).toArray(double[][]::new), count);
    }
    double[] step = trials.stream().mapToDouble(TpeSplit::stepKey).toArray();
    double[] loss = trials.stream().mapToDouble(t -> loss(study, t)).toArray();
    return smallest(step, loss, count);
  }

  /**
   * Indices of the {@code count} smallest (step, loss) pairs, earlier index first among equals:
   * a selection in O(n count), cheaper than sorting every trial for the few good ones.
   */
  private static int[] smallest(double[] step, double[] loss, int count) {
    int[] chosen = new int[count];
    int size = 0;
    for (int i = 0; i < step.length; i++) {
      int at = size;
      while (at > 0 && isBefore(step, loss, i, chosen[at - 1])) {
        at--;
      }
      if (at < count) {
        int end = Math.min(size, count - 1);
        System.arraycopy(chosen, at, chosen, at + 1, end - at);
        chosen[at] = i;
        size = Math.min(size + 1, count);
      }
    }
    return chosen;
  }

  private static boolean isBefore(double[] step, double[] loss, int a, int b) {
    return step[a] < step[b] || step[a] == step[b] && loss[a] < loss[b];
  }

  /** Complete trials first, then pruned ones that reached a later step. */
  private static double stepKey(FrozenTrial t) {
    if (t.state() == TrialState.COMPLETE) {
      return Double.NEGATIVE_INFINITY;
    }
    return t.intermediate().isEmpty() ? 1 : -t.intermediate().lastKey();
  }

  private static double loss(StudyView study, FrozenTrial t) {
    if (t.values().isEmpty()) {
      return 0;
    }
    double loss = study.direction().asLoss(t.values().get(0));
    return Double.isNaN(loss) ? Double.POSITIVE_INFINITY : loss;
  }

  /** Whole non-domination ranks while they fit, the next one cut by hypervolume. */
  private static int[] paretoBest(double[][] losses, int count) {
    int[] ranks = Pareto.ranks(losses);
    List<Integer> chosen = new ArrayList<>();
    for (int rank = 0; chosen.size() < count; rank++) {
      int r = rank;
      List<Integer> front = IntStream.range(0, ranks.length).filter(i -> ranks[i] == r).boxed()
          .toList();
      if (chosen.size() + front.size() <= count) {
        chosen.addAll(front);
      } else {
        double[][] points = front.stream().map(i -> losses[i]).toArray(double[][]::new);
        for (int i : Pareto.greedySubset(points, count - chosen.size(),
            Pareto.referencePoint(points))) {
          chosen.add(front.get(i));
        }
      }
    }
    return chosen.stream().mapToInt(Integer::intValue).toArray();
  }

  /** MOTPE: each feasible good trial's hypervolume contribution over the largest one. */
  private static double[] hypervolumeWeights(StudyView study, List<FrozenTrial> good,
      List<Double> violation) {
    List<Integer> feasible = IntStream.range(0, good.size())
        .filter(i -> violation.get(i) == 0).boxed().toList();
    double[] weights = new double[good.size()];
    Arrays.fill(weights, EPS);
    if (feasible.size() == 1) {
      weights[feasible.get(0)] = 1;
    } else if (feasible.size() > 1) {
      double[][] points = feasible.stream().map(i -> study.losses(good.get(i)))
          .toArray(double[][]::new);
      double[] contributions = Pareto.contributions(points, Pareto.referencePoint(points));
      double max = Arrays.stream(contributions).map(c -> c + EPS).max().orElseThrow();
      for (int k = 0; k < points.length; k++) {
        weights[feasible.get(k)] = Math.min(1, Math.max(0, (contributions[k] + EPS) / max));
      }
    }
    return weights;
  }

  /** Optuna's default weights: 1 for the newest 25, a ramp from 1/n to 1 for older ones. */
  static double[] defaultWeights(int n) {
    double[] w = new double[n];
    int ramp = Math.max(0, n - FLAT_WEIGHTS);
    for (int i = 0; i < n; i++) {
      w[i] = i >= ramp ? 1 : ramp == 1 ? 1.0 / n : 1.0 / n + i * (1 - 1.0 / n) / (ramp - 1);
    }
    return w;
  }
}
