package dev.serval.server.cli;

/** A command was given arguments it cannot work with (bad folder, port in use ...). */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
