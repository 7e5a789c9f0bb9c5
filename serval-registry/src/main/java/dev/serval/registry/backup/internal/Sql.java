package dev.serval.registry.backup.internal;

import java.util.List;
import java.util.stream.Collectors;

/** Identifier quoting shared by the statements that backup and restore build from metadata. */
final class Sql {
  private Sql() {}

  /** A quoted identifier; the names come from JDBC metadata, so they are used exactly as is. */
  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String quoteAll(List<String> identifiers) {
    return identifiers.stream().map(Sql::quote).collect(Collectors.joining(", "));
  }
}
