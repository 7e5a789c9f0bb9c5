package dev.serval.registry;

import java.time.Instant;

/**
 * One revision of a model's deployment history.
 *
 * @param revision 1 for the model's first deployment change, increasing by one per change
 * @param spec what serves; null when this revision cleared the deployment, so that the model
 *     serves its newest READY version again
 * @param note what made the revision: "deploy", "rollback to revision 3", "promote version 7",
 *     "clear"
 */
public record DeploymentRecord(
    String model, int revision, DeploymentSpec spec, Instant createdAt, String note) {

  /** Whether this revision cleared the deployment rather than set one. */
  public boolean cleared() {
    return spec == null;
  }
}
