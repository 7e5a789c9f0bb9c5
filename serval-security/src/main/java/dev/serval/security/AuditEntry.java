package dev.serval.security;

import java.time.Instant;
import java.util.Objects;

/** A recorded {@link AuditEvent}: its place in the log (ascending) and when it happened. */
public record AuditEntry(long id, Instant time, AuditEvent event) {
  public AuditEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(event, "event");
  }
}
