package dev.serval.server.studies;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.pruner.HyperbandPruner;
import dev.serval.tune.pruner.MedianPruner;
import dev.serval.tune.pruner.NopPruner;
import dev.serval.tune.pruner.PercentilePruner;
import dev.serval.tune.pruner.Pruner;
import dev.serval.tune.pruner.SuccessiveHalvingPruner;

/**
 * A pruner and its settings, as {@code serval tune --pruner} and the studies API give them.
 * Settings a kind does not use are kept at their defaults so that equal specs mean equal pruners.
 *
 * @param minResource first rung step of asha and hyperband
 * @param maxResource last step reported, for hyperband
 * @param reductionFactor share 1/eta kept at each rung of asha and hyperband
 * @param percentile for percentile
 */
public record PrunerSpec(
    PrunerKind kind, int minResource, int maxResource, int reductionFactor, double percentile) {
  public static final int DEFAULT_MIN_RESOURCE = 1;
  public static final int DEFAULT_MAX_RESOURCE = 100;
  public static final int DEFAULT_REDUCTION_FACTOR = 3;
  public static final double DEFAULT_PERCENTILE = 25;
  public static final PrunerSpec NONE = of(PrunerKind.NONE);

  public PrunerSpec {
    if (kind == null) {
      throw new InvalidInputException("pruner kind must not be null");
    }
    boolean rungs = kind == PrunerKind.ASHA || kind == PrunerKind.HYPERBAND;
    minResource = rungs ? minResource : DEFAULT_MIN_RESOURCE;
    reductionFactor = rungs ? reductionFactor : DEFAULT_REDUCTION_FACTOR;
    maxResource = kind == PrunerKind.HYPERBAND ? maxResource : DEFAULT_MAX_RESOURCE;
    percentile = kind == PrunerKind.PERCENTILE ? percentile : DEFAULT_PERCENTILE;
  }

  /** The kind with default settings. */
  public static PrunerSpec of(PrunerKind kind) {
    return new PrunerSpec(kind, DEFAULT_MIN_RESOURCE, DEFAULT_MAX_RESOURCE,
        DEFAULT_REDUCTION_FACTOR, DEFAULT_PERCENTILE);
  }

  /** A new pruner; its builder rejects settings out of range. */
  public Pruner create() {
    return switch (kind) {
      case MEDIAN -> MedianPruner.builder().build();
      case PERCENTILE -> PercentilePruner.builder(percentile).build();
      case ASHA -> SuccessiveHalvingPruner.builder().minResource(minResource)
          .reductionFactor(reductionFactor).build();
      case HYPERBAND -> HyperbandPruner.builder(maxResource).minResource(minResource)
          .reductionFactor(reductionFactor).build();
      case NONE -> new NopPruner();
    };
  }
}
