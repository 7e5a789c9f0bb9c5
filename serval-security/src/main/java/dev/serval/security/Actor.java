package dev.serval.security;

import java.util.Objects;

/**
 * Who did something, as the audit log and a key's {@code created_by} record it.
 *
 * @param id a key id, or one of {@code anonymous} (keys are off), {@code unauthenticated} (a
 *     refused request without a valid key) and {@code local} (the command line working on the
 *     database directly)
 * @param name the key's name or the local user; null for anonymous and unauthenticated callers
 */
public record Actor(String id, String name) {
  public static final Actor ANONYMOUS = new Actor("anonymous", null);
  public static final Actor UNAUTHENTICATED = new Actor("unauthenticated", null);

  public Actor {
    Objects.requireNonNull(id, "id");
  }

  public static Actor of(ApiKey key) {
    return new Actor(key.id(), key.name());
  }

  /** The command line, run by {@code user}, working on the database without a server. */
  public static Actor local(String user) {
    return new Actor("local", user);
  }

  /** E.g. {@code ops (3f2a...)}, {@code local alice} or {@code anonymous}. */
  public String describe() {
    if (name == null) {
      return id;
    }
    return id.equals("local") ? "local " + name : name + " (" + id + ")";
  }
}
