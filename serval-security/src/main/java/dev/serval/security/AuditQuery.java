package dev.serval.security;

import dev.serval.core.InvalidInputException;
import java.time.Instant;

/**
 * Which audit entries to list, newest first; null filters match everything.
 *
 * @param actor a key id or name (or {@code anonymous}, {@code unauthenticated}, {@code local})
 * @param since only entries at or after this time
 * @param before only entries older than this entry id: the {@code next} of the page before
 * @param limit at most this many, 1 .. {@value #MAX_LIMIT}
 */
public record AuditQuery(
    String actor, String action, String model, Instant since, Long before, int limit) {
  public static final int MAX_LIMIT = 1000;
  public static final int DEFAULT_LIMIT = 100;

  public AuditQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException(
          "limit must be within 1.." + MAX_LIMIT + " but was " + limit);
    }
  }

  /** The newest {@value #DEFAULT_LIMIT} entries. */
  public static AuditQuery latest() {
    return new AuditQuery(null, null, null, null, null, DEFAULT_LIMIT);
  }
}
