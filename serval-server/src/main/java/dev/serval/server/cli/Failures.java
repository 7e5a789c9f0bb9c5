package dev.serval.server.cli;

/** Finds the message that says what actually went wrong in a chain of wrapped exceptions. */
final class Failures {
  private Failures() {}

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
