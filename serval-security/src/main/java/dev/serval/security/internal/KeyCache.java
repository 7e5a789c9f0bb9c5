package dev.serval.security.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Key rows by id for a short time, unknown ids included, so that an authenticated request does
 * not query the database. A change made on this node is applied with {@link #forget}; one made
 * by another node sharing the database is seen once the entry expires.
 */
public final class KeyCache {
  private final Function<String, Optional<StoredKey>> loader;
  private final LongSupplier nanoTime;
  private final long ttlNanos;
  private final int maxEntries;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  private record Entry(Optional<StoredKey> key, long loadedAt) {}

  /**
   * @param maxEntries past this many, the cache starts over, which bounds what a flood of
   *     made-up ids can occupy
   */
  public KeyCache(Function<String, Optional<StoredKey>> loader, LongSupplier nanoTime,
      long ttlNanos, int maxEntries) {
    this.loader = loader;
    this.nanoTime = nanoTime;
    this.ttlNanos = ttlNanos;
    this.maxEntries = maxEntries;
  }

  public Optional<StoredKey> get(String id) {
    long now = nanoTime.getAsLong();
    Entry entry = entries.get(id);
    if (isFresh(entry, now)) {
      return entry.key();
    }
    if (entries.size() >= maxEntries) {
      entries.clear();
    }
    Entry loaded = new Entry(loader.apply(id), now);
    entries.put(id, loaded);
    return loaded.key();
  }

  /** Whether {@link #get} would answer without loading. */
  public boolean isFresh(String id) {
    return isFresh(entries.get(id), nanoTime.getAsLong());
  }

  private boolean isFresh(Entry entry, long now) {
    return entry != null && now - entry.loadedAt() < ttlNanos;
  }

  public void forget(String id) {
    entries.remove(id);
  }
}
