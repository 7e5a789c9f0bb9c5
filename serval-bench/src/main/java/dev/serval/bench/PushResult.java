package dev.serval.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.stream.LongStream;

/**
 * Pushing one large model with validation, against copying the same file.
 *
 * @param modelBytes size of the pushed model file
 * @param copyNanos each copy of the file to a new file on the same disk, synced to disk
 * @param pushNanos each push over the management API with {@code wait=true}: upload, hash, store
 *     and validation until READY
 * @param breakdown the push's parts measured one by one in process, to show where time goes
 */
public record PushResult(long modelBytes, List<Long> copyNanos, List<Long> pushNanos,
    List<StepTiming> breakdown) {

  public PushResult {
    if (copyNanos.isEmpty() || pushNanos.isEmpty()) {
      throw new IllegalArgumentException("need at least one copy and one push but got "
          + copyNanos.size() + " and " + pushNanos.size());
    }
    copyNanos = List.copyOf(copyNanos);
    pushNanos = List.copyOf(pushNanos);
    breakdown = List.copyOf(breakdown);
  }

  @JsonProperty("copyMedianNanos")
  public long copyMedianNanos() {
    return median(copyNanos);
  }

  @JsonProperty("copyMinNanos")
  public long copyMinNanos() {
    return min(copyNanos);
  }

  @JsonProperty("pushMedianNanos")
  public long pushMedianNanos() {
    return median(pushNanos);
  }

  @JsonProperty("pushMinNanos")
  public long pushMinNanos() {
    return min(pushNanos);
  }

  /** Median push time over median copy time: the issue wants it under 2. */
  @JsonProperty("ratio")
  public double ratio() {
    return (double) pushMedianNanos() / Math.max(copyMedianNanos(), 1);
  }

  /** The lower middle value of an even count, so that a median is always a measured time. */
  static long median(List<Long> values) {
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    return sorted[(sorted.length - 1) / 2];
  }

  private static long min(List<Long> values) {
    return values.stream().flatMapToLong(LongStream::of).min().orElseThrow();
  }
}
