package dev.serval.store;

import java.util.List;
import java.util.Locale;

/** The H2 settings every embedded database runs with, unless its URL chooses otherwise. */
final class H2Settings {
  /**
   * PostgreSQL mode and its name and null ordering give both databases one SQL dialect. The lock
   * timeout covers contended counters (version and trial numbers). DB_CLOSE_ON_EXIT=FALSE keeps
   * the database open during a Ctrl-C so that shutdown hooks can still record what they stop;
   * closing the last connection closes it.
   */
  private static final List<String> DEFAULTS =
      List.of(
          "MODE=PostgreSQL",
          "DATABASE_TO_LOWER=TRUE",
          "DEFAULT_NULL_ORDERING=HIGH",
          "LOCK_TIMEOUT=10000",
          "DB_CLOSE_ON_EXIT=FALSE");

  private H2Settings() {}

  static boolean isH2(String url) {
    return url.startsWith("jdbc:h2:");
  }

  /** {@code url} with each default whose key it does not set appended. */
  static String merge(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(url);
    for (String setting : DEFAULTS) {
      String key = setting.substring(0, setting.indexOf('=') + 1).toLowerCase(Locale.ROOT);
      if (!lower.contains(";" + key)) {
        out.append(';').append(setting);
      }
    }
    return out.toString();
  }
}
