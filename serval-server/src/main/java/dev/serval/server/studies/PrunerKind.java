package dev.serval.server.studies;

import java.util.Locale;

/** The pruners by the names {@code serval tune --pruner} and the studies API take. */
public enum PrunerKind {
  NONE,
  MEDIAN,
  PERCENTILE,
  ASHA,
  HYPERBAND;

  /** The lower-case name, as the CLI and the API write it. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
