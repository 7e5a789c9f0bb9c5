package dev.serval.bus.internal;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time in submission order on any executor, even a multi-threaded one, with
 * at most {@code capacity} tasks waiting: a stuck listener must not grow memory without bound.
 */
public final class SerialDispatcher {
  private final Executor executor;
  private final int capacity;
  private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  public SerialDispatcher(Executor executor, int capacity) {
    this.executor = Objects.requireNonNull(executor, "executor");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * @return false, without running the task, when {@code capacity} tasks are already waiting or
   *     the executor refuses work (it was shut down)
   */
  public boolean submit(Runnable task) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return false;
    }
    pending.add(task);
    return scheduleIfIdle();
  }

  private boolean scheduleIfIdle() {
    if (!scheduled.compareAndSet(false, true)) {
      return true;
    }
    try {
      executor.execute(this::drain);
      return true;
    } catch (RejectedExecutionException e) {
      scheduled.set(false);
      return false;
    }
  }

  private void drain() {
    try {
      Runnable task;
      while ((task = pending.poll()) != null) {
        size.decrementAndGet();
        task.run();
      }
    } finally {
      scheduled.set(false);
      // A task submitted after the last poll but before the flag cleared found us scheduled.
      if (!pending.isEmpty()) {
        scheduleIfIdle();
      }
    }
  }
}
