package dev.serval.registry.store;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/**
 * The artifact folder or a backup archive failed; not caused by the caller's input. Database
 * failures are {@link dev.serval.store.StoreException}s.
 */
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
