package dev.serval.serving;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A nano clock that moves only when the test says so, with a {@link #scheduler() scheduler} on
 * the same clock: moving the clock runs the tasks that have come due, on the test's thread.
 */
public final class FakeTicker implements LongSupplier {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final List<Timer> timers = new ArrayList<>();
  private final ScheduledExecutorService scheduler = new Scheduler();

  @Override
  public long getAsLong() {
    return nanos.get();
  }

  public void advanceMicros(long micros) {
    long now = nanos.addAndGet(micros * 1_000);
    for (Timer due = takeDue(now); due != null; due = takeDue(now)) {
      due.run();
    }
  }

  /** Runs delayed tasks when {@link #advanceMicros} passes their time; nothing else. */
  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Scheduled tasks that have neither run nor been cancelled. */
  synchronized int pendingTimers() {
    return (int) timers.stream().filter(timer -> !timer.isDone()).count();
  }

  private synchronized Timer takeDue(long now) {
    Timer first = timers.stream().min(Comparator.comparingLong(t -> t.dueNanos)).orElse(null);
    if (first == null || first.dueNanos > now) {
      return null;
    }
    timers.remove(first);
    return first;
  }

  private synchronized Timer schedule(Runnable task, long delay, TimeUnit unit) {
    Timer timer = new Timer(task, nanos.get() + unit.toNanos(delay));
    timers.add(timer);
    return timer;
  }

  private final class Timer extends FutureTask<Void> implements ScheduledFuture<Void> {
    final long dueNanos;

    Timer(Runnable task, long dueNanos) {
      super(task, null);
      this.dueNanos = dueNanos;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - nanos.get(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }

  private final class Scheduler extends AbstractExecutorService
      implements ScheduledExecutorService {
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      return FakeTicker.this.schedule(command, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
      throw new UnsupportedOperationException("not needed by serving");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(
        Runnable command, long initialDelay, long period, TimeUnit unit) {
      throw new UnsupportedOperationException("not needed by serving");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(
        Runnable command, long initialDelay, long delay, TimeUnit unit) {
      throw new UnsupportedOperationException("not needed by serving");
    }

    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return false;
    }
  }
}
