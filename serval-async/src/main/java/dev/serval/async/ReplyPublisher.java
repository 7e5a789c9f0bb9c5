package dev.serval.async;

import java.util.Map;

/** Sends a finished request's answer to a message queue the client named ({@code reply_to}). */
public interface ReplyPublisher extends AutoCloseable {
  /**
   * Publishes {@code answer} to {@code queue} as a persistent message whose correlation id is the
   * request id; blocks until the broker has it.
   *
   * @param headers message headers to add (request id, state, status)
   * @throws RuntimeException when the queue does not exist or the broker cannot be reached
   */
  void publish(String queue, String requestId, Response answer, Map<String, String> headers);

  @Override
  void close();
}
