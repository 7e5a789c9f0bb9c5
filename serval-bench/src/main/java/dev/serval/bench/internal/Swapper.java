package dev.serval.bench.internal;

import dev.serval.bench.SwapTimings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Moves all of a model's traffic to the next of its versions, in turn, every interval until a
 * deadline; each change waits until the server serves it. When a change takes longer than the
 * interval, the next one starts as soon as it is answered.
 */
public final class Swapper implements Runnable {
  private final PushClient client;
  private final String model;
  private final List<Integer> versions;
  private final long intervalNanos;
  private final long startNanos;
  private final long endNanos;
  private final LatencyHistogram histogram = new LatencyHistogram();
  private long failed;
  private String firstError;

  /**
   * @param versions the versions deployed in turn, starting with the first
   * @param startNanos {@link System#nanoTime()} from which the first interval is counted
   * @param endNanos no change starts at or after this {@link System#nanoTime()}
   */
  public Swapper(PushClient client, String model, List<Integer> versions, Duration interval,
      long startNanos, long endNanos) {
    if (versions.size() < 2) {
      throw new IllegalArgumentException("versions must hold at least two but was " + versions);
    }
    this.client = client;
    this.model = model;
    this.versions = List.copyOf(versions);
    this.intervalNanos = Checks.positive("interval", interval).toNanos();
    this.startNanos = startNanos;
    this.endNanos = endNanos;
  }

  @Override
  public void run() {
    int next = 0;
    for (long due = startNanos + intervalNanos; due < endNanos;
        due = Math.max(due + intervalNanos, System.nanoTime())) {
      sleepUntil(due);
      swapTo(versions.get(next));
      next = (next + 1) % versions.size();
    }
  }

  private void swapTo(int version) {
    long start = System.nanoTime();
    try {
      client.deployAllTraffic(model, version);
      histogram.record(System.nanoTime() - start);
    } catch (RuntimeException e) {
      failed++;
      if (firstError == null) {
        firstError = "deploy version " + version + ": " + e.getMessage();
      }
    }
  }

  private static void sleepUntil(long deadline) {
    for (long left = deadline - System.nanoTime(); left > 0;
        left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  /** What was done; read only after {@link #run()} has returned. */
  public SwapTimings timings() {
    return new SwapTimings(histogram.count(), failed, histogram.summary(), firstError);
  }
}
