package dev.serval.server;

import dev.serval.bus.Event;
import dev.serval.bus.Subscription;
import dev.serval.core.ModelNotFoundException;
import dev.serval.registry.ModelRegistry;
import dev.serval.server.api.internal.VersionResolver;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Resolves registry aliases for inference routes from a per-model cache, so that an aliased
 * request costs a database query only when its model's aliases changed. Alias and model events
 * drop a model's entry at once; entries also expire after {@code ttlNanos}, for nodes that share
 * the database without a broker and so hear no events from the others.
 */
final class AliasCache implements VersionResolver, AutoCloseable {
  private static final Set<String> DROPPING = Set.of(
      Event.ALIAS_MOVED, Event.MODEL_CREATED, Event.MODEL_DELETED, Event.DEPLOYMENT_CHANGED);

  private final ModelRegistry registry;
  private final LongSupplier nanoTime;
  private final long ttlNanos;
  private final Map<String, Entry> byModel = new ConcurrentHashMap<>();
  private final Subscription subscription;

  private record Entry(Map<String, Integer> aliases, long loadedAt) {}

  AliasCache(ModelRegistry registry, LongSupplier nanoTime, long ttlNanos) {
    this.registry = registry;
    this.nanoTime = nanoTime;
    this.ttlNanos = ttlNanos;
    this.subscription = registry.events().subscribe(event -> {
      if (DROPPING.contains(event.type())) {
        byModel.remove(event.model());
      }
    });
  }

  @Override
  public String resolve(String model, String alias) {
    Integer version = aliases(model).get(alias);
    if (version == null) {
      throw new ModelNotFoundException(
          "model '" + model + "' has no version or alias '" + alias + "'");
    }
    return version.toString();
  }

  private Map<String, Integer> aliases(String model) {
    long now = nanoTime.getAsLong();
    Entry entry = byModel.get(model);
    if (entry == null || now - entry.loadedAt() > ttlNanos) {
      entry = new Entry(Map.copyOf(registry.getModel(model).aliases()), now);
      byModel.put(model, entry);
    }
    return entry.aliases();
  }

  /** Drops the model's entry now, so that this node reads its own alias changes at once. */
  void forget(String model) {
    byModel.remove(model);
  }

  @Override
  public void close() {
    subscription.close();
  }
}
