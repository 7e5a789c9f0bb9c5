package dev.serval.jobs;

import java.time.Instant;
import java.util.List;

/**
 * A job as stored.
 *
 * @param reason why it is in its state (failure, retry, cancellation); empty when there is none
 * @param exitCode the last attempt's exit code, or null when it did not exit by itself
 * @param attempt the current or last attempt, 0 before the first starts
 * @param workerId the worker running (or that last ran) it, or null
 * @param outputs versions pushed to the registry when it succeeded
 */
public record JobRecord(
    String id,
    JobSpec spec,
    JobState state,
    String reason,
    Integer exitCode,
    int attempt,
    boolean cancelRequested,
    String workerId,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    List<PublishedModel> outputs) {
  public JobRecord {
    outputs = List.copyOf(outputs);
  }
}
