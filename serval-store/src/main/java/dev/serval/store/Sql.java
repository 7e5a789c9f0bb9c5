package dev.serval.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Small JDBC helpers so that each query reads as one statement with its parameters. Parameters
 * bind {@link Instant} as UTC timestamps, enums by name and null as SQL NULL.
 */
public final class Sql {
  /** SQLSTATE of a unique or primary key violation, the same in PostgreSQL and H2. */
  public static final String UNIQUE_VIOLATION = "23505";

  /** Maps the current row of a result set. */
  @FunctionalInterface
  public interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private Sql() {}

  /** @return the number of rows changed */
  public static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    }
  }

  public static <T> List<T> query(Connection c, String sql, Row<T> row, Object... params)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(row.map(rs));
      }
      return out;
    }
  }

  /** The first row, or empty when there is none. */
  public static <T> Optional<T> single(Connection c, String sql, Row<T> row, Object... params)
      throws SQLException {
    List<T> rows = query(c, sql, row, params);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /**
   * Rows of (group, name, value), name in column 2, as group → name-sorted map: loads the tags or
   * aliases of a whole page in one query.
   */
  public static <K, V> Map<K, SortedMap<String, V>> grouped(
      Connection c, String sql, Row<K> group, Row<V> value, Object... params)
      throws SQLException {
    Map<K, SortedMap<String, V>> out = new HashMap<>();
    query(
        c,
        sql,
        rs ->
            out.computeIfAbsent(group.map(rs), k -> new TreeMap<>())
                .put(rs.getString(2), value.map(rs)),
        params);
    return out;
  }

  /** A timestamp column that may be NULL. */
  public static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
    return time == null ? null : time.toInstant();
  }

  /** An integer column that may be NULL. */
  public static Integer integer(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... params)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        bind(ps, i + 1, params[i]);
      }
      return ps;
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
  }

  private static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
    if (value instanceof Instant time) {
      ps.setObject(index, OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
    } else if (value instanceof Enum<?> e) {
      ps.setString(index, e.name());
    } else if (value == null) {
      ps.setNull(index, Types.NULL);
    } else {
      ps.setObject(index, value);
    }
  }
}
