package dev.serval.registry;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/**
 * The request is well-formed but clashes with the registry's state: the name exists, the version
 * is in use by an alias or deployment, or the state transition is not allowed.
 */
public class ConflictException extends ServalException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(message);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.CONFLICT;
  }
}
