package dev.serval.bench.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A benchmark phase's loops, each on its own platform thread. */
public final class Workers {
  private final CountDownLatch done;
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

  private Workers(int count) {
    this.done = new CountDownLatch(count);
  }

  /** Starts one daemon thread per task. */
  public static Workers start(String namePrefix, List<Runnable> tasks) {
    Workers workers = new Workers(tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      Runnable task = tasks.get(i);
      Thread thread = new Thread(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          workers.failure.compareAndSet(null, e);
        } finally {
          workers.done.countDown();
        }
      }, namePrefix + i);
      thread.setDaemon(true);
      thread.start();
    }
    return workers;
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
