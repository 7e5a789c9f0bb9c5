package dev.serval.tune.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A schema of its own on the local PostgreSQL for each test, dropped afterwards. Extension
 * callbacks run after the test's {@code @AfterEach} methods, so storages are closed by then.
 */
final class PostgresSchema implements BeforeEachCallback, AfterEachCallback {
  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String USER = "postgres";

  private String schema;

  /** A storage builder on this test's schema. */
  JdbcStudyStorage.Builder builder() {
    return JdbcStudyStorage.builder().jdbc(SERVER + "?currentSchema=" + schema, USER, "");
  }

  @Override
  public void beforeEach(ExtensionContext context) throws SQLException {
    schema = "tune_" + UUID.randomUUID().toString().replace("-", "");
    execute("CREATE SCHEMA " + schema);
  }

  @Override
  public void afterEach(ExtensionContext context) throws SQLException {
    execute("DROP SCHEMA " + schema + " CASCADE");
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(SERVER, USER, "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
