package dev.serval.serving;

import dev.serval.core.InvalidInputException;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which versions of one model are loaded and how its default (version-less) traffic is split, set
 * with {@link ModelManager#deploy}. It replaces the config's {@code version_policy} until {@link
 * ModelManager#clearDeployment}.
 *
 * <pre>{@code
 * // canary: 10% of default traffic to version 4, version 2 kept for an alias, 5 sees copies
 * new Deployment(Map.of(3L, 90, 4L, 10), Set.of(2L), 5L)
 * }</pre>
 *
 * @param weights version → weight of default traffic; a version's share is its weight divided by
 *     the sum of the weights. At least one entry, positive weights.
 * @param standby versions loaded and reachable by explicit version number but given no default
 *     traffic (e.g. targets of registry aliases); may be empty; those also in {@code weights} are
 *     dropped
 * @param shadow a version that gets a copy of every default-routed request, whose answer is
 *     discarded; it never delays or fails the primary request, and copies that find its queue full
 *     are dropped. Null for none; must not be in {@code weights}.
 */
public record Deployment(Map<Long, Integer> weights, Set<Long> standby, Long shadow) {

  /**
   * @throws InvalidInputException naming the argument and value when a map or set is null, a
   *     version is negative, a weight is not positive or the shadow also receives weighted traffic
   */
  public Deployment {
    weights = validWeights(weights);
    standby = validStandby(standby, weights);
    if (shadow != null) {
      requireVersion("shadow", shadow);
      if (weights.containsKey(shadow)) {
        throw new InvalidInputException(
            "shadow "
                + shadow
                + " is also in weights "
                + weights
                + "; a shadow version only gets copies of the traffic");
      }
    }
  }

  /** All default traffic to one version, nothing else loaded. */
  public static Deployment single(long version) {
    return new Deployment(Map.of(version, 1), Set.of(), null);
  }

  /** Default traffic split by {@code weights}, no standby or shadow version. */
  public static Deployment weighted(Map<Long, Integer> weights) {
    return new Deployment(weights, Set.of(), null);
  }

  /** This deployment with {@code version} receiving copies of the default traffic. */
  public Deployment withShadow(long version) {
    return new Deployment(weights, standby, version);
  }

  /** This deployment with these standby versions instead of its own. */
  public Deployment withStandby(Set<Long> versions) {
    return new Deployment(weights, versions, shadow);
  }

  /** Every version the deployment loads (weighted, standby and shadow), ascending. */
  public NavigableSet<Long> versions() {
    TreeSet<Long> all = new TreeSet<>(weights.keySet());
    all.addAll(standby);
    if (shadow != null) {
      all.add(shadow);
    }
    return Collections.unmodifiableNavigableSet(all);
  }

  private static Map<Long, Integer> validWeights(Map<Long, Integer> weights) {
    if (weights == null || weights.isEmpty()) {
      throw new InvalidInputException("weights must name at least one version but was " + weights);
    }
    TreeMap<Long, Integer> sorted = new TreeMap<>();
    weights.forEach(
        (version, weight) -> {
          requireVersion("weights", version);
          if (weight == null || weight < 1) {
            throw new InvalidInputException(
                "weights must be positive but version " + version + " has weight " + weight);
          }
          sorted.put(version, weight);
        });
    return Collections.unmodifiableSortedMap(sorted);
  }

  private static Set<Long> validStandby(Set<Long> standby, Map<Long, Integer> weights) {
    if (standby == null) {
      throw new InvalidInputException("standby must not be null; use an empty set for none");
    }
    TreeSet<Long> sorted = new TreeSet<>();
    for (Long version : standby) {
      requireVersion("standby", version);
      if (!weights.containsKey(version)) {
        sorted.add(version);
      }
    }
    return Collections.unmodifiableSortedSet(sorted);
  }

  private static void requireVersion(String argument, Long version) {
    if (version == null || version < 0) {
      throw new InvalidInputException(
          "versions must be non-negative numbers but " + argument + " has " + version);
    }
  }
}
