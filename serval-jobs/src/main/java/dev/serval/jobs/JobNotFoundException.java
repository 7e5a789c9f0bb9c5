package dev.serval.jobs;

import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;

/** No job has the id asked for. */
public final class JobNotFoundException extends ServalException {
  private static final long serialVersionUID = 1L;

  public JobNotFoundException(String id) {
    super("no job '" + id + "'; list the jobs with ./serval jobs list");
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.NOT_FOUND;
  }
}
