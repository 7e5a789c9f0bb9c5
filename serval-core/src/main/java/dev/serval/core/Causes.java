package dev.serval.core;

/** Finds what actually went wrong in a chain of wrapped exceptions, for messages to users. */
public final class Causes {
  private Causes() {}

  /** The innermost cause's message, or its type's name when it has none. */
  public static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
