package dev.serval.bus;

import java.util.function.Consumer;

/**
 * Broadcasts {@link Event}s to every subscribed listener on every node, the publishing node
 * included. For notifications only: delivery is at most once per listener when a node is
 * disconnected, so a listener re-reads the state it cares about rather than trusting events
 * alone. (Durable work queues are a separate concern.)
 *
 * <p>Listeners run on a bus thread, never on the publisher's thread, and see each publisher's
 * events in publish order. A listener that throws is logged and does not stop delivery.
 */
public interface EventBus extends AutoCloseable {

  /**
   * Sends the event to all listeners. Never blocks on a slow listener or an unreachable broker
   * and never throws for those reasons: the request that caused the event has already succeeded.
   */
  void publish(Event event);

  /** Starts calling {@code listener} with every event published after this call. */
  Subscription subscribe(Consumer<Event> listener);

  /** This node's id, the {@link Event#origin()} of the events it publishes. */
  String nodeId();

  /** Stops delivery and releases threads and connections; later publishes are dropped. */
  @Override
  void close();
}
