package dev.serval.security;

import java.util.List;

/**
 * @param entries newest first
 * @param next pass as {@link AuditQuery#before} for the following page; null on the last page
 */
public record AuditPage(List<AuditEntry> entries, Long next) {
  public AuditPage {
    entries = List.copyOf(entries);
  }
}
