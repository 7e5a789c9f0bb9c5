package dev.serval.registry.backup;

import static dev.serval.registry.backup.SampleRegistry.bytes;
import static dev.serval.registry.backup.SampleRegistry.contents;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.registry.ModelRegistry;
import dev.serval.registry.VersionMetadata;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives move between H2 and the local PostgreSQL; each test uses a schema of its own. */
@Tag("it")
class PostgresRegistryBackupTest {
  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String USER = "postgres";

  @TempDir Path dir;
  private final String schema = "backup_" + UUID.randomUUID().toString().replace("-", "");
  private final List<ModelRegistry> opened = new ArrayList<>();
  private final RegistryBackup backup = RegistryBackup.builder().build();

  @BeforeEach
  void createSchema() throws SQLException {
    execute("CREATE SCHEMA " + schema);
  }

  @AfterEach
  void dropSchema() throws SQLException {
    opened.forEach(ModelRegistry::close);
    execute("DROP SCHEMA " + schema + " CASCADE");
  }

  @Test
  void restoresAnH2BackupIntoPostgresAndKeepsNumberingAfterIt() {
    ModelRegistry h2 = h2("source");
    SampleRegistry.fill(h2);
    Path archive = dir.resolve("h2.zip");
    backup.write(h2, archive, ProgressListener.NONE);
    ModelRegistry postgres = postgres();

    backup.restore(archive, postgres, ProgressListener.NONE);

    assertThat(contents(postgres)).isEqualTo(contents(h2));
    assertThat(postgres.artifacts().verify(h2.getVersion("classifier", 3).sha256())).isTrue();
    postgres.createModel("newcomer", "");
    assertThat(postgres.pushVersion("classifier", bytes("v4"), VersionMetadata.EMPTY).version())
        .isEqualTo(4);
  }

  @Test
  void restoresAPostgresBackupIntoH2() {
    ModelRegistry postgres = postgres();
    SampleRegistry.fill(postgres);
    Path archive = dir.resolve("postgres.zip");
    backup.write(postgres, archive, ProgressListener.NONE);
    ModelRegistry h2 = h2("target");

    backup.restore(archive, h2, ProgressListener.NONE);

    assertThat(contents(h2)).isEqualTo(contents(postgres));
    h2.createModel("newcomer", "");
  }

  private ModelRegistry h2(String name) {
    return remember(ModelRegistry.builder().dataDir(dir.resolve(name)).build());
  }

  private ModelRegistry postgres() {
    return remember(ModelRegistry.builder()
        .jdbc(SERVER + "?currentSchema=" + schema, USER, "")
        .artifactDir(dir.resolve("postgres-artifacts"))
        .build());
  }

  private ModelRegistry remember(ModelRegistry registry) {
    opened.add(registry);
    return registry;
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(SERVER, USER, "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
