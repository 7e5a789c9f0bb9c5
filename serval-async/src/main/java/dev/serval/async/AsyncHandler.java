package dev.serval.async;

import java.util.concurrent.CompletableFuture;

/**
 * Runs one inference for the asynchronous service; the server injects its synchronous decode,
 * infer and encode path so that results are the same bytes as a synchronous call's.
 */
@FunctionalInterface
public interface AsyncHandler {
  /**
   * @return completes with the answer, or exceptionally with a {@link
   *     dev.serval.core.ServalException} whose kind says what went wrong; {@code
   *     RESOURCE_EXHAUSTED} and {@code UNAVAILABLE} are taken as passing and retried later
   */
  CompletableFuture<Response> handle(Invocation invocation);
}
