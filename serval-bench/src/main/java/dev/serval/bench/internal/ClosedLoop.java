package dev.serval.bench.internal;

/**
 * One closed-loop client of a load phase: it sends a request, waits for the outcome and sends
 * the next, for as long as the loop says. A loop's calls never overlap.
 */
public interface ClosedLoop {
  /** Whether to send another request at {@link System#nanoTime()} {@code now}. */
  boolean sendsAt(long now);

  /**
   * Takes the outcome of the request sent at {@code start}, which has just ended.
   *
   * @param failure {@code null} when the server answered with a result, else why it failed
   */
  void completed(long start, RequestFailure failure);
}
