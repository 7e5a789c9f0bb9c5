package dev.serval.serving.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The Micrometer meters of one model version, created once so that the hot path never looks a meter
 * up. They outlive a reload of the version (counters stay monotonic); the queue depth gauge follows
 * whichever queue is currently bound.
 */
final class VersionMeters {
  /** Latency buckets from tens of microseconds (queueing in a warm batcher) to seconds. */
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(25_000),
    Duration.ofNanos(50_000),
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2_500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final MeterRegistry registry;
  private final Counter[] requests = new Counter[Outcome.values().length];
  private final Timer queue;
  private final Timer compute;
  private final DistributionSummary batchSize;
  private final List<Meter> meters = new ArrayList<>();
  private volatile IntSupplier depth = () -> 0;

  VersionMeters(MeterRegistry registry, String model, String version) {
    this.registry = registry;
    Tags tags = Tags.of("model", model, "version", version);
    for (Outcome outcome : Outcome.values()) {
      requests[outcome.ordinal()] =
          keep(
              Counter.builder("serval.requests")
                  .description("Inference requests by outcome")
                  .tags(tags)
                  .tag("outcome", outcome.tag())
                  .register(registry));
    }
    queue =
        keep(
            Timer.builder("serval.queue.duration")
                .description("Time requests wait in the queue before compute")
                .tags(tags)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry));
    compute =
        keep(
            Timer.builder("serval.compute.duration")
                .description("Time of one execution (batch): input, runtime and output")
                .tags(tags)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry));
    batchSize =
        keep(
            DistributionSummary.builder("serval.batch.size")
                .description("Rows per execution")
                .tags(tags)
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
                .register(registry));
    keep(
        Gauge.builder("serval.queue.depth", this, m -> m.depth.getAsInt())
            .description("Requests waiting in the queue")
            .tags(tags)
            .register(registry));
  }

  void count(Outcome outcome, int requestCount) {
    requests[outcome.ordinal()].increment(requestCount);
  }

  void recordQueued(long nanos) {
    queue.record(nanos, TimeUnit.NANOSECONDS);
  }

  void recordExecution(int rows, long nanos) {
    compute.record(nanos, TimeUnit.NANOSECONDS);
    batchSize.record(rows);
  }

  void bindQueueDepth(IntSupplier source) {
    this.depth = source;
  }

  /** Removes every meter of this version from the registry. */
  void remove() {
    for (Meter meter : meters) {
      registry.remove(meter);
    }
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }
}
