package dev.serval.security.internal;

import dev.serval.security.Actor;
import dev.serval.security.AuditEntry;
import dev.serval.security.AuditEvent;
import dev.serval.security.AuditQuery;
import dev.serval.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** SQL of the {@code security_audit} table. */
public final class AuditRows {
  private static final int MAX_TEXT = 1000;

  private AuditRows() {}

  public static void insert(Connection c, Instant at, AuditEvent e) throws SQLException {
    Sql.update(c, "INSERT INTO security_audit (recorded_at, actor_id, actor_name, remote_address,"
            + " action, model, version_number, detail, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        at, clip(e.actor().id(), 64), clip(e.actor().name(), 256), clip(e.remoteAddress(), 64),
        clip(e.action(), 64), clip(e.model(), 256), e.version(), clip(e.detail(), MAX_TEXT),
        e.outcome());
  }

  /** Newest first; one row more than the limit, which tells whether a next page exists. */
  public static List<AuditEntry> query(Connection c, AuditQuery q) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT * FROM security_audit WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (q.actor() != null) {
      sql.append(" AND (actor_id = ? OR actor_name = ?)");
      params.add(q.actor());
      params.add(q.actor());
    }
    filter(sql, params, "action = ?", q.action());
    filter(sql, params, "model = ?", q.model());
    filter(sql, params, "recorded_at >= ?", q.since());
    filter(sql, params, "id < ?", q.before());
    sql.append(" ORDER BY id DESC LIMIT ?");
    params.add(q.limit() + 1);
    return Sql.query(c, sql.toString(), AuditRows::read, params.toArray());
  }

  private static void filter(StringBuilder sql, List<Object> params, String condition,
      Object value) {
    if (value != null) {
      sql.append(" AND ").append(condition);
      params.add(value);
    }
  }

  private static AuditEntry read(ResultSet rs) throws SQLException {
    AuditEvent event = new AuditEvent(
        new Actor(rs.getString("actor_id"), rs.getString("actor_name")),
        rs.getString("remote_address"),
        rs.getString("action"),
        rs.getString("model"),
        Sql.integer(rs, "version_number"),
        rs.getString("detail"),
        rs.getInt("outcome"));
    return new AuditEntry(rs.getLong("id"), Sql.instant(rs, "recorded_at"), event);
  }

  /** Over-long values (a made-up path, say) are cut rather than lose the entry. */
  private static String clip(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }
}
