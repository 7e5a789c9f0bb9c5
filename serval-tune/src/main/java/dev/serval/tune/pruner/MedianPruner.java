package dev.serval.tune.pruner;

/**
 * The median rule: prune a trial whose best intermediate value is worse than the median of the
 * complete trials at the same step. It is the 50th-percentile {@link PercentilePruner}.
 */
public final class MedianPruner {
  private MedianPruner() {}

  /** Settings as for {@link PercentilePruner}, with the percentile fixed at 50. */
  public static PercentilePruner.Builder builder() {
    return PercentilePruner.builder(50);
  }
}
