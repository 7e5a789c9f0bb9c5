package dev.serval.tune.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ParetoTest {
  private static final double[][] POINTS = {{1, 5}, {2, 3}, {3, 4}, {4, 1}, {5, 5}, {2, 3}};

  @Test
  void ranksPeelOffFrontsAndEqualPointsShareARank() {
    assertThat(Pareto.ranks(POINTS)).containsExactly(0, 0, 1, 0, 2, 0);
  }

  @Test
  void ranksAgreeWithDominanceOnRandomPoints() {
    SplittableRandom random = new SplittableRandom(3);
    double[][] points = new double[60][3];
    for (double[] p : points) {
      for (int m = 0; m < p.length; m++) {
        p[m] = random.nextInt(10);
      }
    }
    int[] ranks = Pareto.ranks(points);
    for (int i = 0; i < points.length; i++) {
      for (int j = 0; j < points.length; j++) {
        if (Pareto.dominates(points[i], points[j])) {
          assertThat(ranks[i]).isLessThan(ranks[j]);
        }
      }
      boolean dominated = false;
      for (double[] other : points) {
        dominated |= Pareto.dominates(other, points[i]);
      }
      assertThat(ranks[i] == 0).isEqualTo(!dominated);
    }
  }

  @Test
  void feasiblePointsDominateInfeasibleOnesAndLessViolationWins() {
    double[][] points = {{9, 9}, {1, 1}, {0, 0}, {5, 5}};
    double[] violations = {0, 2, 3, 0};

    assertThat(Pareto.ranks(points, violations)).containsExactly(1, 2, 3, 0);
  }

  @Test
  void crowdingDistanceIsInfiniteAtTheEndsAndSumsNormalisedGaps() {
    double[] d = Pareto.crowdingDistances(new double[][] {{0, 4}, {1, 2}, {4, 0}, {2, 1}});

    assertThat(d[0]).isInfinite();
    assertThat(d[2]).isInfinite();
    assertThat(d[1]).isCloseTo(2.0 / 4 + 3.0 / 4, offset(1e-12));
    assertThat(d[3]).isCloseTo(3.0 / 4 + 2.0 / 4, offset(1e-12));
  }

  @Test
  void hypervolumeOfAStaircaseAndOfACube() {
    double[] reference = {6, 6};
    // Union of [1,6]x[5,6], [2,6]x[3,6], [4,6]x[1,6]: 5 + 8 (=4*2 more) + 4 (=2*2 more) = 17.
    assertThat(Pareto.hypervolume(List.of(POINTS[0], POINTS[1], POINTS[3]), reference))
        .isCloseTo(5 * 1 + 4 * 2 + 2 * 2, offset(1e-12));
    assertThat(Pareto.hypervolume(List.of(new double[] {1, 1, 1}, new double[] {2, 2, 0}),
        new double[] {3, 3, 3})).isCloseTo(8 + 3 - 2, offset(1e-12));
    assertThat(Pareto.hypervolume(List.of(new double[] {7, 1}), reference)).isZero();
  }

  @Test
  void contributionsAndGreedySubsetPreferPointsThatAddMostVolume() {
    double[][] front = {{1, 5}, {2, 3}, {4, 1}, {2.1, 3.1}};
    double[] reference = {6, 6};

    double[] contributions = Pareto.contributions(front, reference);
    assertThat(contributions[3]).isZero();
    // Without (2, 3) the dominated (2.1, 3.1) fills part of its area: 17 - 16.61.
    assertThat(contributions[1]).isCloseTo(0.39, offset(1e-9));
    // (2, 3) alone covers 12; then (4, 1) adds 4 where (1, 5) would add 1.
    assertThat(Pareto.greedySubset(front, 2, reference)).containsExactly(1, 2);
    assertThat(Pareto.referencePoint(new double[][] {{-2, 0}, {1, -3}}))
        .containsExactly(1.1, 1e-12);
  }
}
