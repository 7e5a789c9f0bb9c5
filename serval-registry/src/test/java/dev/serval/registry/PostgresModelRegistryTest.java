package dev.serval.registry;

import java.nio.file.Path;
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
class PostgresModelRegistryTest extends ModelRegistryContract {
  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String USER = "postgres";

  private final String schema = "registry_" + UUID.randomUUID().toString().replace("-", "");

  @BeforeEach
  void createSchema() throws SQLException {
    execute("CREATE SCHEMA " + schema);
  }

  @AfterEach
  void dropSchema() throws SQLException {
    closeRegistries();
    execute("DROP SCHEMA " + schema + " CASCADE");
  }

  @Override
  ModelRegistry.Builder builder(Path dir) {
    return ModelRegistry.builder()
        .jdbc(SERVER + "?currentSchema=" + schema, USER, "")
        .artifactDir(dir.resolve("artifacts"));
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(SERVER, USER, "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
