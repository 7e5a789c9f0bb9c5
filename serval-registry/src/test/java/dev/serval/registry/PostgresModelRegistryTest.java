package dev.serval.registry;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same contract against the local PostgreSQL, each test in a schema of its own. */
@Tag("it")
class PostgresModelRegistryTest extends ModelRegistryContract {
  @RegisterExtension final PostgresSchema postgres = new PostgresSchema();

  @Override
  ModelRegistry.Builder builder(Path dir) {
    return postgres.builder(dir);
  }
}
