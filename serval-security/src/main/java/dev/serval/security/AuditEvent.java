package dev.serval.security;

import java.util.Objects;

/**
 * A management action to record.
 *
 * @param action e.g. {@code models.push}, {@code aliases.set}, {@code keys.create}
 * @param model the model it addressed, or null
 * @param version the version it addressed, or null
 * @param detail what else names the target, e.g. {@code alias=production}; null when nothing
 * @param outcome the HTTP status it was answered with
 */
public record AuditEvent(
    Actor actor,
    String remoteAddress,
    String action,
    String model,
    Integer version,
    String detail,
    int outcome) {
  public AuditEvent {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Objects.requireNonNull(action, "action");
  }
}
