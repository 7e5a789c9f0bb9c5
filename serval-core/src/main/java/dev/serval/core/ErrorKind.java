package dev.serval.core;

/** The protocol-neutral category of a {@link ServalException}. */
public enum ErrorKind {
  INVALID_ARGUMENT,
  NOT_FOUND,
  /** The request conflicts with the current state, e.g. deleting a version an alias uses. */
  CONFLICT,
  UNAVAILABLE,
  /** No credentials, or credentials that are not valid. */
  UNAUTHENTICATED,
  /** Valid credentials that do not allow the action. */
  PERMISSION_DENIED,
  RESOURCE_EXHAUSTED,
  DEADLINE_EXCEEDED,
  PAYLOAD_TOO_LARGE,
  /** Loading would exceed the configured memory budget. */
  INSUFFICIENT_STORAGE,
  INTERNAL
}
