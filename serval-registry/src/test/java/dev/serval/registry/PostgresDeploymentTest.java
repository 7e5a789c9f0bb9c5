package dev.serval.registry;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deployments against the local PostgreSQL, each test in a schema of its own. */
@Tag("it")
class PostgresDeploymentTest extends DeploymentContract {
  @RegisterExtension final PostgresSchema postgres = new PostgresSchema();

  @Override
  ModelRegistry.Builder builder(Path dir) {
    return postgres.builder(dir);
  }
}
