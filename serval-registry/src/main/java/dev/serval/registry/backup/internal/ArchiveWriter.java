package dev.serval.registry.backup.internal;

import dev.serval.core.ModelNotFoundException;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.backup.ProgressListener;
import dev.serval.registry.backup.ProgressListener.Step;
import dev.serval.registry.backup.internal.Manifest.ArtifactEntry;
import dev.serval.registry.backup.internal.Manifest.FileEntry;
import dev.serval.registry.backup.internal.Manifest.TableEntry;
import dev.serval.registry.store.ArtifactStore;
import dev.serval.registry.store.StorageException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Streams a registry into a zip file: table rows, then artifacts, then the files of the folders
 * kept beside the database, then the manifest.
 */
public final class ArchiveWriter {
  private static final int BUFFER = 64 * 1024;

  private final ModelRegistry registry;
  private final ProgressListener progress;

  private ArchiveWriter(ModelRegistry registry, ProgressListener progress) {
    this.registry = registry;
    this.progress = progress;
  }

  /**
   * Writes the archive to {@code file} and syncs it to disk.
   *
   * @param createdAt ISO-8601 time recorded in the manifest
   * @return the manifest written
   * @throws StorageException when an artifact is missing from the store or does not match its
   *     digest, so that a backup never copies damage silently
   */
  public static Manifest write(ModelRegistry registry, Path file, String createdAt,
      String servalVersion, Map<String, Path> folders, ProgressListener progress)
      throws IOException {
    ArchiveWriter writer = new ArchiveWriter(registry, progress);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        ZipOutputStream zip = new ZipOutputStream(
            new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER))) {
      // Model weights hardly compress; the fastest level keeps a GB backup from being CPU-bound.
      zip.setLevel(Deflater.BEST_SPEED);
      Snapshot snapshot;
      try {
        snapshot = registry.database().snapshot(c -> writer.tables(c, zip));
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      writer.copyArtifacts(snapshot.artifacts(), zip);
      List<FileEntry> files = FolderFiles.write(folders, zip, progress);
      Manifest manifest = Manifest.of(createdAt, servalVersion, snapshot.schemaVersions(),
          snapshot.tables(), snapshot.artifacts(), files);
      zip.putNextEntry(new ZipEntry(Manifest.ENTRY));
      manifest.write(zip);
      zip.closeEntry();
      zip.finish();
      zip.flush();
      channel.force(true);
      return manifest;
    }
  }

  /** What one consistent read of the database found. */
  private record Snapshot(Map<String, String> schemaVersions, List<TableEntry> tables,
      List<ArtifactEntry> artifacts) {}

  /** Runs in the snapshot transaction, so tables and the artifact list agree with each other. */
  private Snapshot tables(Connection c, ZipOutputStream zip) throws SQLException {
    Schema schema = Schema.read(c);
    List<TableEntry> entries = new ArrayList<>();
    try {
      for (Table table : schema.tables()) {
        entries.add(table(c, table, zip));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Snapshot(schema.versions(), entries, listArtifacts(c));
  }

  private TableEntry table(Connection c, Table table, ZipOutputStream zip)
      throws SQLException, IOException {
    zip.putNextEntry(new ZipEntry(TableEntry.entryName(table.name())));
    MessageDigest sha = Sha256.create();
    long rows = TableRows.dump(c, table, new DigestOutputStream(zip, sha));
    zip.closeEntry();
    progress.table(Step.BACKUP, table.name(), rows);
    return new TableEntry(table.name(), table.columns(), rows, Sha256.hex(sha));
  }

  /** Every stored content the registry knows, by digest; one row per file. */
  private static List<ArtifactEntry> listArtifacts(Connection c) throws SQLException {
    List<ArtifactEntry> found = new ArrayList<>();
    try (PreparedStatement statement =
            c.prepareStatement("SELECT sha256, size_bytes FROM artifacts ORDER BY sha256");
        ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        found.add(new ArtifactEntry(rs.getString(1), rs.getLong(2)));
      }
    }
    return found;
  }

  private void copyArtifacts(List<ArtifactEntry> listed, ZipOutputStream zip) throws IOException {
    long bytes = 0;
    for (int i = 0; i < listed.size(); i++) {
      bytes += copy(listed.get(i), zip);
      progress.artifact(Step.BACKUP, i + 1, listed.size(), bytes);
    }
  }

  private long copy(ArtifactEntry artifact, ZipOutputStream zip) throws IOException {
    zip.putNextEntry(new ZipEntry(artifact.entryName()));
    MessageDigest sha = Sha256.create();
    long size;
    try (InputStream in = new DigestInputStream(open(registry.artifacts(), artifact), sha)) {
      size = in.transferTo(zip);
    }
    zip.closeEntry();
    String actual = Sha256.hex(sha);
    if (!actual.equals(artifact.sha256()) || size != artifact.size()) {
      throw new StorageException("artifact " + artifact.sha256() + " in the artifact store is"
          + " damaged: expected " + artifact.size() + " bytes with sha256 " + artifact.sha256()
          + ", found " + size + " bytes with sha256 " + actual + "; backup stopped", null);
    }
    return size;
  }

  private static InputStream open(ArtifactStore store, ArtifactEntry artifact) {
    try {
      return store.open(artifact.sha256());
    } catch (ModelNotFoundException e) {
      throw new StorageException("artifact " + artifact.sha256() + " is listed in the registry"
          + " but missing from the artifact store at " + store.path(artifact.sha256()), e);
    }
  }
}
