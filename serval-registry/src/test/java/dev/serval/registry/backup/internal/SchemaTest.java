package dev.serval.registry.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
      assertThat(schema.versions()).containsExactly(Map.entry(Schema.FLYWAY_HISTORY, "3"));
      assertThat(schema.olderThan(Schema.FLYWAY_HISTORY, "3")).isFalse();
      assertThat(schema.olderThan(Schema.FLYWAY_HISTORY, "999")).isTrue();
      assertThat(schema.olderThan("flyway_unknown_history", "1")).isTrue();
    }
  }

  @Test
  void keepsAnotherFeaturesTablesAndOnlyTheVersionOfItsFlywayHistory() {
    try (ModelRegistry registry = ModelRegistry.builder().dataDir(dir).build()) {
      registry.database().migrate("classpath:db/backup-feature", "flyway_feature_history");
      Schema schema = registry.database().transaction(Schema::read);

      assertThat(schema.tables()).extracting(Table::name).contains("feature_notes")
          .doesNotContain("flyway_feature_history");
      assertThat(schema.versions())
          .containsEntry("flyway_feature_history", "1")
          .containsEntry(Schema.FLYWAY_HISTORY, "3");
    }
  }
}
