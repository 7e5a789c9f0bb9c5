package dev.serval.gateway.internal;

import dev.serval.gateway.ServedModel;
import dev.serval.gateway.UpstreamStatus;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The replicas and the load-balancing choice among them: the healthy replica that can serve the
 * request with the fewest requests in flight. The scan starts one replica further on each call,
 * so ties (an idle pool) go round-robin.
 */
public final class UpstreamPool {
  private final List<Upstream> upstreams;
  private final AtomicInteger next = new AtomicInteger();

  public UpstreamPool(List<Upstream> upstreams) {
    this.upstreams = List.copyOf(upstreams);
  }

  public List<Upstream> all() {
    return upstreams;
  }

  /**
   * The least-loaded healthy replica that serves {@code model} (any replica when it is null) and
   * was not tried yet, whose circuit lets a request through; null when there is none. Replicas
   * whose circuit refuses are added to {@code tried}.
   */
  Upstream pick(String model, String version, Set<Upstream> tried) {
    Predicate<Upstream> eligible = model == null ? u -> true : u -> u.serves(model, version);
    while (true) {
      Upstream best = leastLoaded(eligible, tried);
      // canRequest() is what moves an open circuit to half-open once its window has passed.
      if (best == null || best.circuit().canRequest()) {
        return best;
      }
      tried.add(best);
    }
  }

  private Upstream leastLoaded(Predicate<Upstream> eligible, Set<Upstream> tried) {
    int n = upstreams.size();
    int start = Math.floorMod(next.getAndIncrement(), n);
    Upstream best = null;
    for (int i = 0; i < n; i++) {
      Upstream u = upstreams.get((start + i) % n);
      if (u.isHealthy() && !tried.contains(u) && eligible.test(u)
          && (best == null || u.inFlight() < best.inFlight())) {
        best = u;
      }
    }
    return best;
  }

  /** Whether any replica takes traffic: the gateway's readiness. */
  public boolean anyHealthy() {
    return upstreams.stream().anyMatch(Upstream::isHealthy);
  }

  /** Whether some replica reported {@code model} READY at its last check. */
  boolean knows(String model) {
    return upstreams.stream().anyMatch(u -> u.knows(model));
  }

  /** The READY model versions of all healthy replicas, each once, sorted. */
  public List<ServedModel> readyModels() {
    Set<ServedModel> ready = new TreeSet<>(
        Comparator.comparing(ServedModel::name).thenComparing(ServedModel::version));
    for (Upstream u : upstreams) {
      if (u.isHealthy()) {
        ready.addAll(u.status().models());
      }
    }
    return List.copyOf(ready);
  }

  public List<UpstreamStatus> status() {
    return upstreams.stream().map(Upstream::status).toList();
  }
}
