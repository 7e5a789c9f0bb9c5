package dev.serval.bus.internal;

import dev.serval.bus.Event;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends events from a thread of its own, so that a slow or unreachable broker never blocks or
 * fails the request that published them. Up to {@code capacity} events wait; each is retried every
 * {@code retryInterval} until it is sent, in order. Beyond the capacity, and at close when the
 * broker stays unreachable, events are dropped, logged and counted.
 */
public final class RetryingPublisher {
  private static final Logger log = LoggerFactory.getLogger(RetryingPublisher.class);
  private static final long POLL_MILLIS = 50;

  /** Sends one event and returns once the broker has it, or throws. */
  @FunctionalInterface
  public interface Sender {
    void send(Event event) throws Exception;
  }

  private final BlockingQueue<Event> pending;
  private final Sender sender;
  private final long retryMillis;
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closing;

  public RetryingPublisher(String threadName, int capacity, Duration retryInterval, Sender sender) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
    }
    this.pending = new LinkedBlockingQueue<>(capacity);
    this.retryMillis = Math.max(1, retryInterval.toMillis());
    this.sender = Objects.requireNonNull(sender, "sender");
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues the event; never blocks. */
  public void offer(Event event) {
    if (closing || !pending.offer(event)) {
      dropped.incrementAndGet();
      log.error("{} events wait for the broker or the bus is closing; dropping {} of '{}'",
          pending.size(), event.type(), event.model());
    }
  }

  public long dropped() {
    return dropped.get();
  }

  public int pending() {
    return pending.size();
  }

  /** Stops taking events and waits up to {@code flushTimeout} for those queued to be sent. */
  public void close(Duration flushTimeout) {
    closing = true;
    try {
      thread.join(Math.max(1, flushTimeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
      long lost = pending.size() + 1L;
      dropped.addAndGet(lost);
      log.error("broker unreachable at close; dropping {} unsent events", lost);
    }
  }

  private void run() {
    try {
      while (!closing || !pending.isEmpty()) {
        Event next = pending.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (next != null) {
          sendUntilDone(next);
        }
      }
    } catch (InterruptedException e) {
      // close() gave up waiting for the broker.
    }
  }

  private void sendUntilDone(Event event) throws InterruptedException {
    for (int failures = 0; ; failures++) {
      try {
        sender.send(event);
        if (failures > 0) {
          log.info("published {} of '{}' after {} failed attempts", event.type(), event.model(),
              failures);
        }
        return;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (failures == 0) {
          log.warn("cannot publish {} of '{}', retrying every {} ms: {}", event.type(),
              event.model(), retryMillis, e.toString());
        }
        Thread.sleep(retryMillis);
      }
    }
  }
}
