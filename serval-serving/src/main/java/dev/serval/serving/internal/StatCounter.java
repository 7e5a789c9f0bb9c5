package dev.serval.serving.internal;

import dev.serval.serving.ModelStatistics.Stat;
import java.util.concurrent.atomic.LongAdder;

/** A lock-free count and cumulative duration. */
final class StatCounter {
  private final LongAdder count = new LongAdder();
  private final LongAdder nanos = new LongAdder();

  void add(long countDelta, long nanosDelta) {
    count.add(countDelta);
    nanos.add(nanosDelta);
  }

  Stat snapshot() {
    return new Stat(count.sum(), nanos.sum());
  }
}
