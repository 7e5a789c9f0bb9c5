package dev.serval.tune.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ExpectedImprovementTest {
  @Test
  void matchesTheClosedFormWhereItIsWellConditioned() {
    // mean 0, sd 1, best 0: EI = phi(0) = 0.39894...
    assertThat(Math.exp(ExpectedImprovement.log(0, 1, 0))).isCloseTo(0.398942, within(1e-6));
    // Far above the mean, EI tends to the improvement itself.
    assertThat(Math.exp(ExpectedImprovement.log(0, 1e-4, 3))).isCloseTo(3, within(1e-6));
  }

  @Test
  void staysFiniteAndContinuousDeepInTheTail() {
    double justAbove = ExpectedImprovement.logH(-8 + 1e-9);
    double justBelow = ExpectedImprovement.logH(-8 - 1e-9);

    assertThat(justAbove).isCloseTo(justBelow, within(1e-4));
    assertThat(ExpectedImprovement.logH(-40)).isFinite().isLessThan(-800);
    assertThat(ExpectedImprovement.logH(-40)).isLessThan(ExpectedImprovement.logH(-39));
  }
}
