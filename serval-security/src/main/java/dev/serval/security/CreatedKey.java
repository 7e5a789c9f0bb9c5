package dev.serval.security;

import java.util.Objects;

/**
 * A key just created, with its token: the only time the token is known, since only a hash of its
 * secret is stored.
 *
 * @param token {@code sv_<id>_<secret>}, to send as {@code Authorization: Bearer <token>}
 */
public record CreatedKey(ApiKey key, String token) {
  public CreatedKey {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
  }

  /** Without the token, which must not end up in logs. */
  @Override
  public String toString() {
    return "CreatedKey[" + key + "]";
  }
}
