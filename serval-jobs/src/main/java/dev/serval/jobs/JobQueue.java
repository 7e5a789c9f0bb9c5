package dev.serval.jobs;

/**
 * How workers learn of jobs to run. The database holds the truth (states, attempts); a queue
 * only hands job ids to workers, who claim each with a conditional update, so a duplicate or
 * stale delivery is harmless.
 */
public interface JobQueue extends AutoCloseable {

  /**
   * Offers a QUEUED job to the workers; called once the job is stored.
   *
   * @throws QueueUnavailableException when a broker did not take it (it is offered again later)
   */
  void offer(String jobId);

  /** Starts handing jobs to {@code handler}, at most {@code slots} at a time. */
  Consumption consume(int slots, Handler handler);

  /** Releases connections; consumptions must be closed first. */
  @Override
  void close();

  /** Runs a delivered job until it is finished, or returns at once when it is not to be run. */
  @FunctionalInterface
  interface Handler {
    /**
     * @param redelivered the broker delivered it before to a consumer that went away
     * @return whether this call ran an attempt of the job
     */
    boolean handle(String jobId, boolean redelivered);
  }

  /** A running consumer. */
  interface Consumption extends AutoCloseable {
    /** Stops taking jobs and waits for the handlers running to return. */
    @Override
    void close();
  }
}
