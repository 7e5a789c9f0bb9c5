package dev.serval.bench.internal;

/** One closed-loop client's way to send its load phase's prebuilt inference request. */
@FunctionalInterface
public interface InferClient {
  /**
   * Sends the request once and waits for the answer.
   *
   * @return {@code null} when the server answered with a result, else why the request failed
   */
  RequestFailure send();
}
