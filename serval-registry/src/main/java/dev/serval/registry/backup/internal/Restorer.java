package dev.serval.registry.backup.internal;

import dev.serval.registry.ConflictException;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.backup.ProgressListener;
import dev.serval.registry.backup.ProgressListener.Step;
import dev.serval.registry.backup.internal.Manifest.ArtifactEntry;
import dev.serval.registry.backup.internal.Manifest.TableEntry;
import dev.serval.registry.store.StagedArtifact;
import dev.serval.registry.store.StorageException;
import dev.serval.store.Database;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Puts an archive back into an empty registry. Everything is verified before the database is
 * touched, and the rows go in within one transaction, so a damaged archive leaves no trace. The
 * target's database must hold every feature's tables (each feature migrated) beforehand.
 */
public final class Restorer {
  private final ArchiveReader archive;
  private final ModelRegistry target;
  private final Map<String, Path> folders;
  private final ProgressListener progress;

  private Restorer(ArchiveReader archive, ModelRegistry target, Map<String, Path> folders,
      ProgressListener progress) {
    this.archive = archive;
    this.target = target;
    this.folders = folders;
    this.progress = progress;
  }

  /**
   * @param folders where the files of each folder in the archive go (e.g. "jobs" to the target's
   *     job folder); each must be missing or empty
   * @return the manifest of what was restored
   * @throws ConflictException when the target is not empty or has an older schema
   * @throws dev.serval.core.InvalidInputException when the archive is damaged
   */
  public static Manifest restore(ArchiveReader archive, ModelRegistry target,
      Map<String, Path> folders, ProgressListener progress) {
    return new Restorer(archive, target, folders, progress).run();
  }

  private Manifest run() {
    Manifest manifest = archive.manifest();
    Database db = target.database();
    Schema schema = db.transaction(Schema::read);
    checkFits(manifest, schema);
    db.transaction(c -> requireEmpty(c, schema));
    FolderFiles.checkTargets(manifest, folders, archive.path());
    for (TableEntry table : manifest.tables()) {
      archive.verify(table);
      progress.table(Step.VERIFY, table.name(), table.rows());
    }
    List<StagedArtifact> staged = new ArrayList<>();
    try (FolderFiles files = FolderFiles.stage(archive, folders, progress)) {
      stageArtifacts(manifest.artifacts(), staged);
      db.transaction(c -> load(c, schema, manifest, staged));
      files.publish(progress);
    } finally {
      // Unpublished files are temp files; closing deletes them.
      staged.forEach(StagedArtifact::close);
    }
    return manifest;
  }

  /**
   * Refuses archives with a feature's schema newer than the target's, and tables or columns the
   * target does not have.
   */
  private void checkFits(Manifest manifest, Schema schema) {
    Map<String, String> present = schema.versions();
    manifest.schemaVersions().forEach((history, version) -> {
      if (schema.olderThan(history, version)) {
        String found = present.containsKey(history) ? "has only " + present.get(history)
            : "does not have that table";
        throw new ConflictException("backup archive " + archive.path() + " has schema version "
            + version + " of " + history + " but the target database " + found
            + "; restore with the Serval release that wrote it (" + manifest.servalVersion()
            + ") or a newer one");
      }
    });
    for (TableEntry entry : manifest.dataTables()) {
      Table table = schema.table(entry.name()).orElseThrow(() -> new ConflictException(
          "backup archive " + archive.path() + " has table " + entry.name()
              + ", which the target database does not have; restore with ./serval restore,"
              + " which creates every feature's tables first, of the release that wrote it ("
              + manifest.servalVersion() + ") or a newer one"));
      for (Column column : entry.columns()) {
        if (!table.hasColumn(column.name())) {
          throw new ConflictException("backup archive " + archive.path() + " has column "
              + entry.name() + "." + column.name() + ", which the target registry does not have");
        }
      }
    }
  }

  private static Void requireEmpty(Connection c, Schema schema) throws SQLException {
    for (Table table : schema.tables()) {
      try (Statement statement = c.createStatement();
          ResultSet rs = statement.executeQuery(
              "SELECT 1 FROM " + Sql.quote(table.name()) + " LIMIT 1")) {
        if (rs.next()) {
          throw new ConflictException("the target registry is not empty (table " + table.name()
              + " has rows); restore only into a new registry, e.g. an unused --data folder or"
              + " an empty database");
        }
      }
    }
    return null;
  }

  private void stageArtifacts(List<ArtifactEntry> artifacts, List<StagedArtifact> staged) {
    long bytes = 0;
    for (ArtifactEntry artifact : artifacts) {
      StagedArtifact file = archive.stage(artifact, target.artifacts());
      staged.add(file);
      bytes += file.size();
      progress.artifact(Step.VERIFY, staged.size(), artifacts.size(), bytes);
    }
  }

  /**
   * Inserts parents before children, then publishes the files while the transaction is still
   * open: should the commit fail, the files are unreferenced and the next start removes them.
   */
  private Void load(Connection c, Schema schema, Manifest manifest, List<StagedArtifact> staged)
      throws SQLException {
    Map<String, TableEntry> entries = manifest.tables().stream()
        .collect(Collectors.toMap(TableEntry::name, Function.identity()));
    for (Table table : schema.tables()) {
      TableEntry entry = entries.get(table.name());
      if (entry != null) {
        long rows = load(c, entry);
        Identities.reset(c, schema, table);
        progress.table(Step.RESTORE, table.name(), rows);
      }
    }
    staged.forEach(StagedArtifact::publish);
    return null;
  }

  private long load(Connection c, TableEntry entry) throws SQLException {
    try (BufferedReader lines = archive.rows(entry)) {
      return TableRows.load(c, entry.name(), entry.columns(), lines);
    } catch (IOException e) {
      throw new StorageException(
          "cannot read " + entry.entryName() + " from " + archive.path() + " again", e);
    }
  }
}
