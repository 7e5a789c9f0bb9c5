package dev.serval.compress;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The settings the accuracy gate tries for a method: the requested ones first, then ones that
 * keep more of the model (per-channel scales, more bits, lower sparsity, higher rank, larger
 * codebooks).
 */
final class Variants {
  private static final double[] SPARSITY_SHARES = {1, 0.75, 0.5, 0.25};
  private static final double[] ENERGY_LOSS_SHARES = {1, 0.5, 0.25, 0.1};
  private static final int[] RANK_FACTORS = {1, 2, 4};
  private static final int MORE_CLUSTER_BITS = 3;

  private Variants() {}

  static List<CompressionOptions> of(CompressionOptions requested) {
    Set<CompressionOptions> variants = new LinkedHashSet<>();
    variants.add(requested);
    switch (requested.method()) {
      case INT8_DYNAMIC, INT8_STATIC ->
          variants.add(copy(requested).perChannel(!requested.perChannel()).build());
      case WEIGHT_ONLY -> {
        if (requested.bits() == 4) {
          variants.add(copy(requested).blockSize(16).build());
          variants.add(copy(requested).bits(8).perChannel(true).build());
        } else {
          variants.add(copy(requested).perChannel(!requested.perChannel()).build());
        }
      }
      case PRUNE -> {
        for (double share : SPARSITY_SHARES) {
          double sparsity = Math.round(requested.sparsity() * share * 100) / 100.0;
          if (sparsity > 0) {
            variants.add(copy(requested).sparsity(sparsity).build());
          }
        }
      }
      case LOW_RANK -> {
        for (int i = 0; i < RANK_FACTORS.length && requested.rank() > 0; i++) {
          variants.add(copy(requested).rank(requested.rank() * RANK_FACTORS[i]).build());
        }
        for (int i = 0; i < ENERGY_LOSS_SHARES.length && requested.rank() == 0; i++) {
          double loss = (1 - requested.energy()) * ENERGY_LOSS_SHARES[i];
          variants.add(copy(requested).energy(Math.round((1 - loss) * 1000) / 1000.0).build());
        }
      }
      default -> {
        for (int bits = requested.clusterBits();
            bits <= Math.min(8, requested.clusterBits() + MORE_CLUSTER_BITS); bits++) {
          variants.add(copy(requested).clusterBits(bits).build());
        }
      }
    }
    return new ArrayList<>(variants);
  }

  private static CompressionOptions.Builder copy(CompressionOptions options) {
    return CompressionOptions.Builder.from(options);
  }
}
