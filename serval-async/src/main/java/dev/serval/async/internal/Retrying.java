package dev.serval.async.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Repeats an attempt with exponential backoff until it succeeds or the attempts run out. */
public final class Retrying {
  /** Records each attempt's outcome: {@code error} null on success. */
  @FunctionalInterface
  interface Outcome {
    void record(int attempt, String error, boolean last);
  }

  private final ScheduledExecutorService scheduler;
  private final int maxAttempts;
  private final Duration firstDelay;

  public Retrying(ScheduledExecutorService scheduler, int maxAttempts, Duration firstDelay) {
    this.scheduler = scheduler;
    this.maxAttempts = maxAttempts;
    this.firstDelay = firstDelay;
  }

  /**
   * @param first the number of the first attempt (later than 1 when a previous node made some)
   * @param attempt makes attempt n; completes with null on success, else with the error
   */
  CompletableFuture<Void> run(int first, IntFunction<CompletableFuture<String>> attempt,
      Outcome outcome) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    step(Math.min(first, maxAttempts), attempt, outcome, done);
    return done;
  }

  private void step(int n, IntFunction<CompletableFuture<String>> attempt, Outcome outcome,
      CompletableFuture<Void> done) {
    attempt.apply(n).whenComplete((error, failure) -> {
      String problem = failure != null ? String.valueOf(failure.getMessage()) : error;
      boolean last = problem == null || n >= maxAttempts;
      try {
        outcome.record(n, problem, last);
        if (last) {
          done.complete(null);
        } else {
          long delay = firstDelay.toMillis() << Math.min(n - 1, 16);
          scheduler.schedule(() -> step(n + 1, attempt, outcome, done), delay,
              TimeUnit.MILLISECONDS);
        }
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
  }
}
