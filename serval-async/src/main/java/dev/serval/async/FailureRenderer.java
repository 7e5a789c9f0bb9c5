package dev.serval.async;

import dev.serval.core.ErrorKind;

/**
 * How a failure reads on the wire (status and body), so that callbacks, reply messages and the
 * error lines of a batch carry what a synchronous call would have answered.
 */
@FunctionalInterface
public interface FailureRenderer {
  Response render(ErrorKind kind, String message);
}
