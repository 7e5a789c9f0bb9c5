package dev.serval.registry.backup.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Moves identity columns past the restored rows. Rows are inserted with their original ids,
 * which leaves the generators where they were; the next generated id would collide.
 */
final class Identities {
  private Identities() {}

  static void reset(Connection c, Schema schema, Table table) throws SQLException {
    for (String column : table.identityColumns()) {
      Long max = max(c, table.name(), column);
      if (max != null) {
        restartAfter(c, schema, table.name(), column, max);
      }
    }
  }

  private static Long max(Connection c, String table, String column) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rs = statement.executeQuery(
            "SELECT MAX(" + Sql.quote(column) + ") FROM " + Sql.quote(table))) {
      rs.next();
      long max = rs.getLong(1);
      return rs.wasNull() ? null : max;
    }
  }

  private static void restartAfter(Connection c, Schema schema, String table, String column,
      long max) throws SQLException {
    switch (schema.product()) {
      case "H2" -> {
        try (Statement statement = c.createStatement()) {
          statement.execute("ALTER TABLE " + Sql.quote(table) + " ALTER COLUMN "
              + Sql.quote(column) + " RESTART WITH " + (max + 1));
        }
      }
      case "PostgreSQL" -> {
        try (PreparedStatement statement =
            c.prepareStatement("SELECT setval(pg_get_serial_sequence(?, ?), ?)")) {
          statement.setString(1, Sql.quote(schema.schemaName()) + "." + Sql.quote(table));
          statement.setString(2, column);
          statement.setLong(3, max);
          statement.execute();
        }
      }
      default -> throw new IllegalStateException(
          "cannot reset identity column " + table + "." + column + " on " + schema.product());
    }
  }
}
