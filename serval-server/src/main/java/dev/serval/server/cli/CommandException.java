package dev.serval.server.cli;

/** A command could not do its work for a reason the user can act on (server down, refused ...). */
final class CommandException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CommandException(String message) {
    super(message);
  }
}
