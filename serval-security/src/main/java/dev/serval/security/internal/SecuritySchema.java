package dev.serval.security.internal;

import dev.serval.store.Database;

/** The security tables: API keys and the audit log. */
public final class SecuritySchema {
  private static final String MIGRATIONS = "classpath:db/security-migration";
  /** Own history table, so the tables can share a database with the registry's. */
  private static final String HISTORY_TABLE = "flyway_security_history";

  private SecuritySchema() {}

  /** Brings the tables up to date; cheap when they already are. */
  public static void migrate(Database db) {
    db.migrate(MIGRATIONS, HISTORY_TABLE);
  }
}
