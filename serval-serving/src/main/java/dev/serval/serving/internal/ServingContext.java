package dev.serval.serving.internal;

import java.time.Clock;
import java.util.concurrent.ThreadFactory;
import java.util.function.LongSupplier;

/**
 * What every served version shares: time sources (injectable for tests), the factory of worker
 * threads and the metrics.
 *
 * @param nanoTime monotonic nanoseconds, for queue delays, timeouts and durations
 * @param clock wall clock, for the last-inference timestamp
 * @param threadFactory creates the batcher worker threads
 * @param metrics Micrometer meters
 */
public record ServingContext(
    LongSupplier nanoTime, Clock clock, ThreadFactory threadFactory, ServingMetrics metrics) {}
