package dev.serval.security;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/** No API key has the given id. */
public class KeyNotFoundException extends ServalException {
  private static final long serialVersionUID = 1L;

  public KeyNotFoundException(String id) {
    super("no API key with id '" + id + "'; list the keys with ./serval keys list");
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.NOT_FOUND;
  }
}
