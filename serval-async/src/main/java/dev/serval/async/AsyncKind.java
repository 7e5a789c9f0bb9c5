package dev.serval.async;

/** One inference request, or a batch of them read from a JSON Lines file. */
public enum AsyncKind {
  INFER,
  BATCH
}
