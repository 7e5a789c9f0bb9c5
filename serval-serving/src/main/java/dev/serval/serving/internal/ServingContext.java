package dev.serval.serving.internal;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.function.LongSupplier;

/**
 * What every served version shares: time sources (injectable for tests), the factory of worker
 * threads, the timeout scheduler and the metrics.
 *
 * @param nanoTime monotonic nanoseconds, for queue delays, timeouts and durations
 * @param clock wall clock, for the last-inference timestamp
 * @param threadFactory creates the batcher worker threads
 * @param scheduler runs the timers that time out requests at their deadline
 * @param metrics Micrometer meters
 */
public record ServingContext(
    LongSupplier nanoTime,
    Clock clock,
    ThreadFactory threadFactory,
    ScheduledExecutorService scheduler,
    ServingMetrics metrics) {}
