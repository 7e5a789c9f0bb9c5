package dev.serval.serving.internal;

import dev.serval.serving.Deployment;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;

/**
 * An immutable routing snapshot of one model: every loaded version by number, and how default
 * traffic is split among some of them. Picking a default version reads only final arrays: no lock,
 * no allocation.
 */
final class Routing {
  static final Routing EMPTY =
      new Routing(Collections.emptyNavigableMap(), new ServedVersion[0], new long[0], null, null);

  private final NavigableMap<Long, ServedVersion> loaded;
  private final ServedVersion[] weighted;

  /** cumulative[i] is the sum of the weights of weighted[0..i]. */
  private final long[] cumulative;

  private final DoubleSupplier random;
  private final ShadowCopy shadow;

  private Routing(
      NavigableMap<Long, ServedVersion> loaded,
      ServedVersion[] weighted,
      long[] cumulative,
      DoubleSupplier random,
      ShadowCopy shadow) {
    this.loaded = loaded;
    this.weighted = weighted;
    this.cumulative = cumulative;
    this.random = random;
    this.shadow = shadow;
  }

  /**
   * Routing to {@code loaded}: default traffic split as the deployment says, or all to the newest
   * version when there is no deployment.
   *
   * @param loaded every version the deployment names, when there is one
   */
  static Routing of(
      String model,
      Map<Long, ServedVersion> loaded,
      Deployment deployment,
      ServingContext context) {
    NavigableMap<Long, ServedVersion> versions =
        Collections.unmodifiableNavigableMap(new TreeMap<>(loaded));
    if (versions.isEmpty()) {
      return EMPTY;
    }
    if (deployment == null) {
      return new Routing(
          versions,
          new ServedVersion[] {versions.lastEntry().getValue()},
          new long[] {1},
          null,
          null);
    }
    List<Map.Entry<Long, Integer>> weights = List.copyOf(deployment.weights().entrySet());
    ServedVersion[] weighted = new ServedVersion[weights.size()];
    long[] cumulative = new long[weights.size()];
    long sum = 0;
    for (int i = 0; i < weighted.length; i++) {
      weighted[i] = versions.get(weights.get(i).getKey());
      sum += weights.get(i).getValue();
      cumulative[i] = sum;
    }
    ShadowCopy shadow =
        deployment.shadow() == null
            ? null
            : new ShadowCopy(model, versions.get(deployment.shadow()), context.metrics());
    return new Routing(versions, weighted, cumulative, context.random(), shadow);
  }

  NavigableMap<Long, ServedVersion> loaded() {
    return loaded;
  }

  ServedVersion get(long version) {
    return loaded.get(version);
  }

  /** Whether default traffic has somewhere to go. */
  boolean hasDefault() {
    return weighted.length > 0;
  }

  /** The version of one default-routed request, drawn by weight. Requires {@link #hasDefault}. */
  ServedVersion pick() {
    if (weighted.length == 1) {
      return weighted[0];
    }
    long total = cumulative[cumulative.length - 1];
    long ticket = Math.min(total - 1, (long) (random.getAsDouble() * total));
    int i = 0;
    while (cumulative[i] <= ticket) {
      i++;
    }
    return weighted[i];
  }

  /**
   * The version that speaks for the default in metadata: the heaviest weighted one, the newest of
   * equals. Requires {@link #hasDefault}.
   */
  ServedVersion primary() {
    int best = 0;
    for (int i = 1; i < weighted.length; i++) {
      if (weight(i) >= weight(best)) {
        best = i;
      }
    }
    return weighted[best];
  }

  /** The shadow version's copier, or null. */
  ShadowCopy shadow() {
    return shadow;
  }

  private long weight(int i) {
    return cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]);
  }
}
