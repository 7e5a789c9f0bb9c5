package dev.serval.registry.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaTest {
  @TempDir Path dir;

  @Test
  void listsTheRegistryTablesParentsFirstWithoutFlywayHistory() {
    try (ModelRegistry registry = ModelRegistry.builder().dataDir(dir).build()) {
      Schema schema = registry.database().transaction(Schema::read);

      List<String> names = schema.tables().stream().map(Table::name).toList();
      assertThat(names).contains("models", "artifacts", "model_versions", "aliases", "version_tags")
          .doesNotContain(Schema.FLYWAY_HISTORY);
      assertThat(names.indexOf("models")).isLessThan(names.indexOf("model_versions"));
      assertThat(names.indexOf("artifacts")).isLessThan(names.indexOf("model_versions"));
      assertThat(names.indexOf("model_versions"))
          .isLessThan(names.indexOf("aliases"))
          .isLessThan(names.indexOf("version_tags"));
      assertThat(schema.table("models").orElseThrow().identityColumns()).containsExactly("id");
      assertThat(schema.table("model_versions").orElseThrow().primaryKey())
          .containsExactly("model_id", "version_number");
      assertThat(schema.version()).isPresent();
      assertThat(schema.olderThan(schema.version().orElseThrow())).isFalse();
      assertThat(schema.olderThan("999")).isTrue();
    }
  }
}
