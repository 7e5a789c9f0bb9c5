package dev.serval.security;

import dev.serval.store.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/** The same contract against the local PostgreSQL, each test in a schema of its own. */
@Tag("it")
class PostgresSecurityStoreTest extends SecurityStoreContract {
  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String USER = "postgres";

  private String schema;

  @BeforeEach
  void createSchema() throws SQLException {
    schema = "security_" + UUID.randomUUID().toString().replace("-", "");
    execute("CREATE SCHEMA " + schema);
  }

  /** Runs after the contract's own {@code @AfterEach}, which closes the database. */
  @AfterEach
  void dropSchema() throws SQLException {
    execute("DROP SCHEMA " + schema + " CASCADE");
  }

  @Override
  Database open() {
    return Database.of(SERVER + "?currentSchema=" + schema, USER, "");
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(SERVER, USER, "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
