package dev.serval.security;

import dev.serval.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2SecurityStoreTest extends SecurityStoreContract {
  @TempDir Path dir;

  @Override
  Database open() {
    return Database.h2(dir, "security");
  }
}
