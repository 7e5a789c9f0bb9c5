package dev.serval.bus;

import dev.serval.bus.internal.Listeners;
import dev.serval.bus.internal.NodeIds;
import dev.serval.bus.internal.SerialDispatcher;
import java.util.Objects;
import dev.serval.core.InvalidInputException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded bus of a single node: events reach this process's listeners only. Listeners run
 * one event at a time, in publish order, on a daemon dispatcher thread or on an injected executor.
 * At most {@link Builder#capacity} events wait for delivery; beyond that publishing drops the
 * event with an error log and counts it in {@link #droppedEvents()}.
 */
public final class InProcessEventBus implements EventBus {
  private static final Logger log = LoggerFactory.getLogger(InProcessEventBus.class);

  private final String nodeId;
  private final ExecutorService ownedExecutor;
  private final SerialDispatcher dispatcher;
  private final Listeners listeners = new Listeners();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;

  private InProcessEventBus(Builder b) {
    this.nodeId = b.nodeId;
    this.ownedExecutor =
        b.executor == null ? Executors.newSingleThreadExecutor(InProcessEventBus::daemon) : null;
    this.dispatcher =
        new SerialDispatcher(b.executor != null ? b.executor : ownedExecutor, b.capacity);
  }

  private static Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "serval-events");
    thread.setDaemon(true);
    return thread;
  }

  /** A bus with a random node id and its own dispatcher thread. */
  public static InProcessEventBus create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void publish(Event event) {
    Objects.requireNonNull(event, "event");
    if (closed) {
      log.debug("bus closed, dropping {} of '{}'", event.type(), event.model());
      return;
    }
    if (!dispatcher.submit(() -> listeners.deliver(event))) {
      dropped.incrementAndGet();
      log.error("event queue full or stopped, dropping {} of '{}'", event.type(), event.model());
    }
  }

  @Override
  public Subscription subscribe(Consumer<Event> listener) {
    return listeners.add(listener);
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  /** Events not delivered because the queue was full. */
  public long droppedEvents() {
    return dropped.get();
  }

  /** Stops delivery; events still waiting are discarded. An injected executor stays running. */
  @Override
  public void close() {
    closed = true;
    listeners.clear();
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  /** Validating builder for {@link InProcessEventBus}. */
  public static final class Builder {
    private String nodeId = NodeIds.random();
    private Executor executor;
    private int capacity = 10_000;

    private Builder() {}

    public Builder nodeId(String nodeId) {
      this.nodeId = NodeIds.check(nodeId);
      return this;
    }

    /** Runs deliveries; the caller owns (and shuts down) it. Default: an own daemon thread. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Events that may wait for delivery before publishing drops them; default 10,000. */
    public Builder capacity(int capacity) {
      if (capacity < 1) {
        throw new InvalidInputException("capacity must be >= 1: " + capacity);
      }
      this.capacity = capacity;
      return this;
    }

    public InProcessEventBus build() {
      return new InProcessEventBus(this);
    }
  }
}
