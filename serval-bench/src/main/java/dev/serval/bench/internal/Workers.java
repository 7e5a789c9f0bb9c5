package dev.serval.bench.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A benchmark phase's loops and the wait for their end: each loop runs on its own platform
 * thread ({@link #start}), or on threads it does not own, such as a client's I/O thread, and
 * reports its end ({@link #expect}).
 */
public final class Workers {
  private final CountDownLatch done;
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

  private Workers(int count) {
    this.done = new CountDownLatch(count);
  }

  /** Starts one daemon thread per task. */
  public static Workers start(String namePrefix, List<Runnable> tasks) {
    Workers workers = expect(tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      Runnable task = tasks.get(i);
      Thread thread = new Thread(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          workers.failure.compareAndSet(null, e);
        } finally {
          workers.ended();
        }
      }, namePrefix + i);
      thread.setDaemon(true);
      thread.start();
    }
    return workers;
  }

  /** Waits for {@code count} loops, each of which calls {@link #ended()} once. */
  public static Workers expect(int count) {
    return new Workers(count);
  }

  /** Counts one loop as ended. */
  public void ended() {
    done.countDown();
  }

  /** Counts one loop as ended by {@code e}, which {@link #await()} throws if it is the first. */
  public void failed(RuntimeException e) {
    failure.compareAndSet(null, e);
    ended();
  }

  /** Waits until every task has ended or {@link System#nanoTime()} reaches {@code deadline}. */
  public boolean awaitUntil(long deadline) {
    try {
      return done.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring", e);
    }
  }

  /**
   * Waits until every task has ended.
   *
   * @throws RuntimeException the first exception a task threw
   */
  public void await() {
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring", e);
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }
}
