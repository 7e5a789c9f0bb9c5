package dev.serval.registry.store;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/** The metadata database or the artifact folder failed; not caused by the caller's input. */
public final class StorageException extends ServalException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.INTERNAL;
  }
}
