package dev.serval.gateway.internal;

import java.util.concurrent.CompletionException;

/** Short descriptions of transport failures, for logs, the status page and error messages. */
final class Failures {
  private Failures() {}

  /** The innermost cause's message, with its type when the message alone says too little. */
  static String describe(Throwable failure) {
    Throwable root = failure;
    while ((root instanceof CompletionException || root.getMessage() == null)
        && root.getCause() != null) {
      root = root.getCause();
    }
    String type = root.getClass().getSimpleName();
    return root.getMessage() == null ? type : type + ": " + root.getMessage();
  }
}
