package dev.serval.registry.backup;

import static dev.serval.registry.backup.SampleRegistry.bytes;
import static dev.serval.registry.backup.SampleRegistry.contents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serval.core.InvalidInputException;
import dev.serval.registry.ConflictException;
import dev.serval.registry.ModelFilter;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.PageRequest;
import dev.serval.registry.VersionMetadata;
import dev.serval.registry.VersionRecord;
import dev.serval.registry.store.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One sample registry and its backup, shared by tests that restore it into fresh registries. The
 * database also holds another feature's table with its own Flyway history, as the server's
 * database holds the tables of security, jobs, async requests and studies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryBackupTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final String FEATURE_MIGRATIONS = "classpath:db/backup-feature";
  private static final String FEATURE_HISTORY = "flyway_feature_history";

  @TempDir static Path dir;
  private final List<ModelRegistry> opened = new ArrayList<>();
  private final RegistryBackup backup = RegistryBackup.builder()
      .clock(Clock.fixed(NOW, ZoneOffset.UTC))
      .servalVersion("1.2.3")
      .build();
  private ModelRegistry source;
  private int files;
  private Path archive;

  @BeforeAll
  void backUpASampleRegistry() {
    source = open("source");
    SampleRegistry.fill(source);
    source.database().transaction(c -> c.createStatement()
        .executeUpdate("INSERT INTO feature_notes (note) VALUES ('kept')"));
    archive = dir.resolve("backup.zip");
    backup.write(source, archive, ProgressListener.NONE);
  }

  @AfterAll
  void closeRegistries() {
    opened.forEach(ModelRegistry::close);
  }

  /** A registry whose database the other feature has migrated too. */
  private ModelRegistry open(String name) {
    ModelRegistry registry = registryOnly(name);
    registry.database().migrate(FEATURE_MIGRATIONS, FEATURE_HISTORY);
    return registry;
  }

  private ModelRegistry registryOnly(String name) {
    ModelRegistry registry = ModelRegistry.builder().dataDir(dir.resolve(name)).build();
    opened.add(registry);
    return registry;
  }

  /** An empty registry in a folder of its own, migrated by every feature as a restore needs. */
  private ModelRegistry target() {
    return open("target-" + opened.size());
  }

  /** A file name no other test uses. */
  private Path fresh(String name) {
    return dir.resolve(++files + "-" + name);
  }

  @Test
  void restoresModelsVersionsAliasesTagsAndArtifactsIntoAFreshRegistry() {
    ModelRegistry target = target();

    backup.restore(archive, target, ProgressListener.NONE);

    assertThat(contents(target)).isEqualTo(contents(source));
    for (VersionRecord version : contents(source).versions().get("classifier")) {
      assertThat(target.artifacts().verify(version.sha256())).isTrue();
    }
    String testCases = source.getVersion("classifier", 1).testCasesSha256();
    assertThat(target.artifacts().verify(testCases)).isTrue();
  }

  @Test
  void restoredRegistryNumbersNewModelsAndVersionsAfterTheRestoredOnes() {
    ModelRegistry target = target();
    backup.restore(archive, target, ProgressListener.NONE);

    target.createModel("newcomer", "");
    VersionRecord pushed = target.pushVersion("classifier", bytes("v4"), VersionMetadata.EMPTY);

    assertThat(pushed.version()).isEqualTo(4);
    assertThat(target.listModels(ModelFilter.ALL, PageRequest.first(10)).items())
        .extracting(m -> m.name())
        .containsExactly("classifier", "detector", "newcomer");
  }

  @Test
  void manifestRecordsSchemaVersionTablesAndEveryArtifact() throws IOException {
    JsonNode manifest = JSON.readTree(ZipEdits.read(archive, "manifest.json"));

    assertThat(manifest.path("format").asInt()).isEqualTo(2);
    assertThat(manifest.path("created_at").asText()).isEqualTo("2025-06-01T12:00:00Z");
    assertThat(manifest.path("serval_version").asText()).isEqualTo("1.2.3");
    assertThat(manifest.path("schema_versions").path("flyway_schema_history").asText())
        .isEqualTo("3");
    assertThat(manifest.path("schema_versions").path(FEATURE_HISTORY).asText()).isEqualTo("1");
    assertThat(manifest.has("schema_version")).isFalse();
    assertThat(manifest.path("tables").findValuesAsText("name"))
        .contains("models", "model_versions", "aliases", "artifacts", "model_tags",
            "feature_notes")
        .doesNotContain("flyway_schema_history", FEATURE_HISTORY);
    JsonNode models = table(manifest, "models");
    assertThat(models.path("rows").asLong()).isEqualTo(2);
    assertThat(models.path("sha256").asText()).hasSize(64);
    assertThat(models.path("columns").get(0).path("type").asText()).isEqualTo("BIGINT");
    // weights-1 (shared by both models), the test cases, broken, weights-1-int8
    assertThat(manifest.path("artifacts")).hasSize(4);
    assertThat(manifest.path("artifacts").get(0).path("size").asLong()).isPositive();
  }

  @Test
  void tableFilesHoldOneTypedJsonObjectPerRow() throws IOException {
    List<String> lines = ZipEdits.read(archive, "tables/model_versions.jsonl").lines().toList();

    assertThat(lines).hasSize(4);
    JsonNode first = JSON.readTree(lines.get(0));
    assertThat(first.path("model_id").isIntegralNumber()).isTrue();
    assertThat(first.path("state").asText()).isEqualTo("READY");
    assertThat(first.path("signature_json").asText()).isEqualTo(SampleRegistry.SIGNATURE);
    assertThat(first.path("parent_version").isNull()).isTrue();
    assertThat(OffsetDateTime.parse(first.path("created_at").asText()).toInstant())
        .isEqualTo(source.getVersion("classifier", 1).created());
  }

  @Test
  void artifactWithAFlippedByteIsRefusedByNameAndNothingIsRestored() throws IOException {
    String sha = source.getVersion("classifier", 1).sha256();
    byte[] flipped = "weights-1".getBytes(StandardCharsets.UTF_8);
    flipped[0] ^= (byte) 0xff;
    Path damaged = ZipEdits.withEntry(
        archive, fresh("damaged.zip"), "artifacts/" + sha, ZipEdits.flipByte(0));
    ModelRegistry target = target();

    assertThatThrownBy(() -> backup.restore(damaged, target, ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("artifacts/" + sha)
        .hasMessageContaining("expected sha256 " + sha)
        .hasMessageContaining("but it is " + sha256(flipped));
    assertEmpty(target);
  }

  @Test
  void tableFileWithAFlippedByteIsRefusedByNameAndNothingIsRestored() throws IOException {
    Path damaged = ZipEdits.withEntry(
        archive, fresh("damaged.zip"), "tables/models.jsonl", ZipEdits.flipByte(3));
    ModelRegistry target = target();

    assertThatThrownBy(() -> backup.restore(damaged, target, ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("tables/models.jsonl")
        .hasMessageContaining("expected sha256");
    assertEmpty(target);
  }

  @Test
  void rowThatDoesNotFitItsColumnRollsBackTheTablesRestoredBeforeIt() throws IOException {
    byte[] rows = ZipEdits.read(archive, "tables/model_versions.jsonl")
        .replaceFirst("\"size_bytes\":\\d+", "\"size_bytes\":\"many\"")
        .getBytes(StandardCharsets.UTF_8);
    Path edited = ZipEdits.withEntry(
        archive, fresh("edited.zip"), "tables/model_versions.jsonl", content -> rows);
    // A consistent checksum: only loading the row can find the fault.
    Path consistent = ZipEdits.withEntry(edited, fresh("consistent.zip"), "manifest.json",
        manifest -> withTableChecksum(manifest, "model_versions", sha256(rows)));
    ModelRegistry target = target();

    assertThatThrownBy(() -> backup.restore(consistent, target, ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 1 of table model_versions, column size_bytes: expected bigint");
    assertEmpty(target);
    target.createModel("fresh", "");
  }

  @Test
  void truncatedArchiveIsRefusedAsIncomplete() throws IOException {
    byte[] whole = Files.readAllBytes(archive);
    Path truncated = Files.write(
        fresh("truncated.zip"), Arrays.copyOf(whole, whole.length / 2));
    ModelRegistry target = target();

    assertThatThrownBy(() -> backup.restore(truncated, target, ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("truncated.zip is not a complete zip file");
    assertEmpty(target);
  }

  @Test
  void missingArchiveIsRefused() {
    ModelRegistry target = target();

    assertThatThrownBy(
            () -> backup.restore(dir.resolve("nope.zip"), target, ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("nope.zip does not exist");
  }

  @Test
  void restoreIntoARegistryWithModelsIsRefused() {
    ModelRegistry target = target();
    target.createModel("mine", "");

    assertThatThrownBy(() -> backup.restore(archive, target, ProgressListener.NONE))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("the target registry is not empty");
    assertThat(contents(target).models()).extracting(m -> m.name()).containsExactly("mine");
  }

  @Test
  void archiveFromANewerSchemaIsRefused() throws IOException {
    Path newer = ZipEdits.withEntry(archive, fresh("newer.zip"), "manifest.json",
        content -> withSchemaVersion(content, FEATURE_HISTORY, "999"));
    ModelRegistry target = target();

    assertThatThrownBy(() -> backup.restore(newer, target, ProgressListener.NONE))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("has schema version 999 of " + FEATURE_HISTORY
            + " but the target database has only 1")
        .hasMessageContaining("1.2.3");
    assertEmpty(target);
  }

  @Test
  void targetWithoutAnotherFeaturesTablesIsRefusedBeforeAnythingIsRestored() throws IOException {
    ModelRegistry target = registryOnly("registry-only");

    assertThatThrownBy(() -> backup.restore(archive, target, ProgressListener.NONE))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("has schema version 1 of " + FEATURE_HISTORY
            + " but the target database does not have that table");
    assertEmpty(target);
  }

  @Test
  void restoresTheOtherFeaturesRowsAndKeepsItsHistoryTheTargetsOwn() {
    ModelRegistry target = target();

    backup.restore(archive, target, ProgressListener.NONE);

    assertThat(notes(target)).containsExactly("kept");
    target.database().migrate(FEATURE_MIGRATIONS, FEATURE_HISTORY);
    target.database().transaction(c -> c.createStatement()
        .executeUpdate("INSERT INTO feature_notes (note) VALUES ('after')"));
    assertThat(notes(target)).containsExactly("kept", "after");
  }

  @Test
  void restoresAFormat1ArchiveThatNamedOnlyTheRegistrysVersion() throws IOException {
    Path format1 = ZipEdits.withEntry(archive, fresh("format1.zip"), "manifest.json",
        RegistryBackupTest::asFormat1);
    ModelRegistry target = target();

    backup.restore(format1, target, ProgressListener.NONE);

    assertThat(contents(target)).isEqualTo(contents(source));
  }

  private static List<String> notes(ModelRegistry registry) {
    return registry.database().transaction(c -> {
      List<String> notes = new ArrayList<>();
      try (var rows = c.createStatement()
          .executeQuery("SELECT note FROM feature_notes ORDER BY id")) {
        while (rows.next()) {
          notes.add(rows.getString(1));
        }
      }
      return notes;
    });
  }


  @Test
  void existingArchiveIsKeptUnlessOverwriteIsAllowed() throws IOException {
    Path existing = Files.writeString(fresh("existing.zip"), "keep me");

    assertThatThrownBy(() -> backup.write(source, existing, ProgressListener.NONE))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("existing.zip already exists");
    assertThat(Files.readString(existing)).isEqualTo("keep me");

    RegistryBackup.builder().overwrite(true).build()
        .write(source, existing, ProgressListener.NONE);
    assertThat(ZipEdits.read(existing, "manifest.json")).contains("\"format\"");
    assertThat(existing.resolveSibling(existing.getFileName() + ".partial")).doesNotExist();
  }

  @Test
  void artifactMissingFromTheStoreStopsTheBackupWithoutLeavingAnArchive() {
    ModelRegistry damaged = target();
    damaged.createModel("m", "");
    String sha = damaged.pushVersion("m", bytes("lost"), VersionMetadata.EMPTY).sha256();
    damaged.artifacts().delete(sha);
    Path failed = fresh("failed.zip");

    assertThatThrownBy(() -> backup.write(damaged, failed, ProgressListener.NONE))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("artifact " + sha + " is listed in the registry but missing");
    assertThat(failed).doesNotExist();
    assertThat(failed.resolveSibling(failed.getFileName() + ".partial")).doesNotExist();
  }

  @Test
  void reportsEveryTableAndArtifactWhileBackingUpAndRestoring() {
    List<String> events = new ArrayList<>();
    ProgressListener recorder = new ProgressListener() {
      @Override
      public void table(Step step, String table, long rows) {
        events.add(step + " " + table + " " + rows);
      }

      @Override
      public void artifact(Step step, int done, int total, long bytes) {
        events.add(step + " " + done + "/" + total + " " + bytes);
      }

      @Override
      public void folder(Step step, String folder, int files, long bytes) {
        events.add(step + " " + folder + " " + files + " files " + bytes);
      }
    };
    Path again = fresh("again.zip");
    backup.write(source, again, recorder);
    backup.restore(again, target(), recorder);

    assertThat(events).contains(
        "BACKUP models 2", "BACKUP 4/4 41",
        "VERIFY models 2", "VERIFY 4/4 41", "RESTORE model_versions 4");
    assertThat(events.indexOf("RESTORE models 2"))
        .isLessThan(events.indexOf("RESTORE model_versions 4"));
  }

  private static void assertEmpty(ModelRegistry target) throws IOException {
    assertThat(contents(target).models()).isEmpty();
    // ROOT/sha256/00/00...: the store's root holds published files and staged temp files.
    Path root = target.artifacts().path("0".repeat(64)).getParent().getParent().getParent();
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  private static JsonNode table(JsonNode manifest, String name) {
    for (JsonNode table : manifest.path("tables")) {
      if (table.path("name").asText().equals(name)) {
        return table;
      }
    }
    throw new AssertionError("no table " + name + " in " + manifest);
  }

  /** The manifest as format 1 wrote it: the registry's version only. */
  private static byte[] asFormat1(byte[] manifest) {
    try {
      ObjectNode tree = (ObjectNode) JSON.readTree(manifest);
      String registry = tree.path("schema_versions").path("flyway_schema_history").asText();
      tree.remove("schema_versions");
      tree.put("format", 1);
      tree.put("schema_version", registry);
      return JSON.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] withSchemaVersion(byte[] manifest, String history, String version) {
    try {
      ObjectNode tree = (ObjectNode) JSON.readTree(manifest);
      ((ObjectNode) tree.path("schema_versions")).put(history, version);
      return JSON.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] withTableChecksum(byte[] manifest, String table, String sha256) {
    try {
      JsonNode tree = JSON.readTree(manifest);
      for (JsonNode entry : tree.path("tables")) {
        if (entry.path("name").asText().equals(table)) {
          ((ObjectNode) entry).put("sha256", sha256);
        }
      }
      return JSON.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
