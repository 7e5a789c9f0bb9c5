package dev.serval.registry;

import dev.serval.core.InvalidInputException;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which versions of a model serve and how traffic splits between them.
 *
 * @param weights version number to its relative weight: a version gets weight / sum of weights of
 *     the requests, e.g. {3: 90, 4: 10} for a 10% canary of version 4
 * @param shadow a version that receives a copy of the traffic, whose answers are discarded; null
 *     for none
 */
public record DeploymentSpec(Map<Integer, Integer> weights, Integer shadow) {
  public static final int MAX_VERSIONS = 1000;
  /** Keeps the sum of all weights within an int. */
  public static final int MAX_WEIGHT = 1_000_000;

  /** @throws InvalidInputException naming the offending version or weight */
  public DeploymentSpec {
    if (weights == null || weights.isEmpty() || weights.size() > MAX_VERSIONS) {
      throw new InvalidInputException("a deployment needs 1-" + MAX_VERSIONS
          + " weighted versions: " + (weights == null ? null : weights.size()));
    }
    SortedMap<Integer, Integer> copy = new TreeMap<>();
    weights.forEach(
        (version, weight) -> {
          checkVersion("deployment version", version);
          if (weight == null || weight < 1 || weight > MAX_WEIGHT) {
            throw new InvalidInputException("weight of version " + version + " must be 1-"
                + MAX_WEIGHT + ": " + weight);
          }
          copy.put(version, weight);
        });
    weights = Collections.unmodifiableSortedMap(copy);
    if (shadow != null) {
      checkVersion("shadow version", shadow);
      if (copy.containsKey(shadow)) {
        throw new InvalidInputException(
            "shadow version " + shadow + " already takes live traffic; shadow another version");
      }
    }
  }

  /** All traffic to one version. */
  public static DeploymentSpec single(int version) {
    return new DeploymentSpec(Map.of(version, 100), null);
  }

  /** The weighted versions and the shadow, ascending. */
  public SortedSet<Integer> versions() {
    SortedSet<Integer> all = new TreeSet<>(weights.keySet());
    if (shadow != null) {
      all.add(shadow);
    }
    return Collections.unmodifiableSortedSet(all);
  }

  private static void checkVersion(String what, Integer version) {
    if (version == null || version < 1) {
      throw new InvalidInputException(what + " must be a version number >= 1: " + version);
    }
  }
}
