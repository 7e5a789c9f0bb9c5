package dev.serval.registry;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param next cursor for {@link PageRequest#after} to get the following page; null on the last
 */
public record Page<T>(List<T> items, String next) {
  public Page {
    items = List.copyOf(items);
  }
}
