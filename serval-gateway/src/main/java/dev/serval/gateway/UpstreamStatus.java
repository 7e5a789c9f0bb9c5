package dev.serval.gateway;

import java.util.List;

/**
 * What the gateway knows of one upstream at a moment: the status page's row.
 *
 * @param circuit the circuit breaker's state: CLOSED (traffic flows), OPEN (skipped after too
 *     many failures) or HALF_OPEN (a trial request decides)
 * @param lastError why the last health check failed, or null after a successful one
 */
public record UpstreamStatus(
    UpstreamAddress address,
    boolean healthy,
    String circuit,
    int inFlight,
    List<ServedModel> models,
    String lastError) {
  public UpstreamStatus {
    models = List.copyOf(models);
  }
}
