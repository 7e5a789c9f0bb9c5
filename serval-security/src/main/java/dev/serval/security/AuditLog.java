package dev.serval.security;

import dev.serval.security.internal.AuditRows;
import dev.serval.security.internal.SecuritySchema;
import dev.serval.store.Database;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/** The audit log of management actions, in the database: append and query, never change. */
public final class AuditLog {
  private final Database db;
  private final Clock clock;

  private AuditLog(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * The log in {@code db} (the caller keeps owning it), with entries stamped by {@code clock};
   * brings the tables up to date.
   */
  public static AuditLog on(Database db, Clock clock) {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(clock, "clock");
    SecuritySchema.migrate(db);
    return new AuditLog(db, clock);
  }

  /** Appends {@code event}, stamped now. */
  public void record(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    db.transaction(c -> {
      AuditRows.insert(c, clock.instant(), event);
      return null;
    });
  }

  public AuditPage query(AuditQuery query) {
    Objects.requireNonNull(query, "query");
    List<AuditEntry> rows = db.transaction(c -> AuditRows.query(c, query));
    if (rows.size() <= query.limit()) {
      return new AuditPage(rows, null);
    }
    List<AuditEntry> page = rows.subList(0, query.limit());
    return new AuditPage(page, page.get(page.size() - 1).id());
  }
}
