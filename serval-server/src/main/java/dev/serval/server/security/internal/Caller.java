package dev.serval.server.security.internal;

import dev.serval.security.Actor;
import dev.serval.security.ApiKey;

/**
 * Who makes a request.
 *
 * @param key the key it authenticated with; null when keys are off
 */
record Caller(ApiKey key) {
  static final Caller ANONYMOUS = new Caller(null);

  Actor actor() {
    return key == null ? Actor.ANONYMOUS : Actor.of(key);
  }

  /** Whose requests count together for the concurrency limit: the key, or the whole server. */
  String holder() {
    return key == null ? "" : key.id();
  }

  String describe() {
    return key == null ? "this server" : key.describe();
  }
}
