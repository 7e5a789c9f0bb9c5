package dev.serval.store;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/**
 * The database cannot be reached, failed a statement or could not be migrated; not caused by the
 * caller's input. The message names the database by its URL without credentials.
 */
public final class StoreException extends ServalException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.UNAVAILABLE;
  }
}
