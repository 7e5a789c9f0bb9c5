package dev.serval.serving.internal;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * What every served version shares: time and random sources (injectable for tests), the factory of
 * worker threads, the timeout scheduler, the metrics and the memory budget.
 *
 * @param nanoTime monotonic nanoseconds, for queue delays, timeouts and durations
 * @param clock wall clock, for the last-inference timestamp
 * @param random uniform doubles in [0, 1) that split default traffic by weight; called
 *     concurrently from request threads
 * @param threadFactory creates the batcher worker threads
 * @param scheduler runs the timers that time out requests at their deadline
 * @param metrics Micrometer meters
 * @param memory the estimated memory of the loaded versions and its budget
 */
public record ServingContext(
    LongSupplier nanoTime,
    Clock clock,
    DoubleSupplier random,
    ThreadFactory threadFactory,
    ScheduledExecutorService scheduler,
    ServingMetrics metrics,
    MemoryBudget memory) {}
