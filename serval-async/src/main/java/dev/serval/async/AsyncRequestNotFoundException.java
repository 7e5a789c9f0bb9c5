package dev.serval.async;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/** No asynchronous request has this id: it never existed, was deleted or outlived retention. */
public final class AsyncRequestNotFoundException extends ServalException {
  private static final long serialVersionUID = 1L;

  public AsyncRequestNotFoundException(String id) {
    super("no asynchronous request '" + id + "'; it was never submitted, was deleted, or its"
        + " result passed the retention period; submit it again");
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.NOT_FOUND;
  }
}
