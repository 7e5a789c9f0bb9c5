package dev.serval.registry;

import dev.serval.core.InvalidInputException;
import dev.serval.registry.internal.Names;

/**
 * Keyset paging: a cursor rather than an offset, so that deep pages cost the same as the first
 * and concurrent inserts do not shift items between pages.
 *
 * @param after {@link Page#next} of the previous page, or null for the first page
 * @param limit at most this many items, 1 to {@value #MAX_LIMIT}
 */
public record PageRequest(String after, int limit) {
  public static final int MAX_LIMIT = 1000;

  public PageRequest {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException("limit must be 1-" + MAX_LIMIT + ": " + limit);
    }
    if (after != null) {
      Names.checkName("page cursor", after);
    }
  }

  public static PageRequest first(int limit) {
    return new PageRequest(null, limit);
  }
}
