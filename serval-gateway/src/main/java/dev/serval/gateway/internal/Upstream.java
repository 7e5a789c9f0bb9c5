package dev.serval.gateway.internal;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.circuitbreaker.CircuitBreaker;
import com.linecorp.armeria.client.circuitbreaker.CircuitState;
import dev.serval.gateway.ServedModel;
import dev.serval.gateway.UpstreamAddress;
import dev.serval.gateway.UpstreamStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One replica: its client (pooled keep-alive HTTP/2 connections), circuit breaker, requests in
 * flight, and what its last health check found. Health fields are written by the health checker
 * only and read by every request.
 */
public final class Upstream {
  private final UpstreamAddress address;
  /** The address as text, which every answered request tags its metrics and headers with. */
  private final String label;
  private final WebClient client;
  private final CircuitBreaker circuit;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean healthy;
  /** Model name to the versions READY on this replica. */
  private volatile Map<String, Set<String>> models = Map.of();
  private volatile String lastError = "not checked yet";

  public Upstream(UpstreamAddress address, WebClient client, CircuitBreaker circuit) {
    this.address = address;
    this.label = address.toString();
    this.client = client;
    this.circuit = circuit;
  }

  public UpstreamAddress address() {
    return address;
  }

  WebClient client() {
    return client;
  }

  CircuitBreaker circuit() {
    return circuit;
  }

  public boolean isHealthy() {
    return healthy;
  }

  public int inFlight() {
    return inFlight.get();
  }

  void started() {
    inFlight.incrementAndGet();
  }

  void ended() {
    inFlight.decrementAndGet();
  }

  /**
   * Whether this replica has the model READY: the given version, or any version when the version
   * is absent or an alias (which the replica resolves itself).
   */
  boolean serves(String model, String version) {
    Set<String> versions = models.get(model);
    if (versions == null) {
      return false;
    }
    return version == null || !isNumber(version) || versions.contains(version);
  }

  boolean knows(String model) {
    return models.containsKey(model);
  }

  void markHealthy(List<ServedModel> ready) {
    models = ready.stream().collect(Collectors.groupingBy(ServedModel::name,
        Collectors.mapping(ServedModel::version, Collectors.toUnmodifiableSet())));
    lastError = null;
    healthy = true;
  }

  void markUnhealthy(String reason) {
    healthy = false;
    lastError = reason;
  }

  public boolean isCircuitOpen() {
    return circuit.circuitState() == CircuitState.OPEN;
  }

  public UpstreamStatus status() {
    List<ServedModel> served = models.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(v -> new ServedModel(e.getKey(), v)))
        .sorted(Comparator.comparing(ServedModel::name).thenComparing(ServedModel::version))
        .toList();
    return new UpstreamStatus(address, healthy, circuit.circuitState().name(), inFlight.get(),
        served, lastError);
  }

  private static boolean isNumber(String version) {
    return !version.isEmpty() && version.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  @Override
  public String toString() {
    return label;
  }
}
