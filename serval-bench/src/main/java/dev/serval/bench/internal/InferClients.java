package dev.serval.bench.internal;

import java.util.List;

/** The connected clients of one load phase and the connections they hold. */
public interface InferClients extends AutoCloseable {
  /**
   * Starts driving each loop with its own client until the loop stops sending.
   *
   * @return waits until every loop has ended
   * @throws IllegalArgumentException when there are more loops than connected clients
   */
  Workers start(List<? extends ClosedLoop> loops);

  /** Fails every request still waiting, from any thread. */
  void abort();

  /** Closes every connection. */
  @Override
  void close();
}
