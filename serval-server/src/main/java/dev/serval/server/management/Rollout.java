package dev.serval.server.management;

import java.time.Duration;

/**
 * Makes this node serve what the registry now says for a model, so that a deployment change
 * answers only once it is live here, or with the error serving met (a load that failed, or one
 * over the memory budget).
 */
@FunctionalInterface
public interface Rollout {
  /** For servers whose serving does not follow the registry. */
  Rollout NONE = (model, timeout) -> {};

  /**
   * @throws dev.serval.core.ServalException what serving met, such as {@link
   *     dev.serval.core.InsufficientMemoryException}
   */
  void apply(String model, Duration timeout);
}
