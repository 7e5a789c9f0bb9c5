package dev.serval.registry.backup;

import dev.serval.registry.ConflictException;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.backup.internal.ArchiveReader;
import dev.serval.registry.backup.internal.ArchiveWriter;
import dev.serval.registry.backup.internal.Manifest;
import dev.serval.registry.backup.internal.Restorer;
import dev.serval.registry.store.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Backs a registry up into one zip file and restores it, checked by SHA-256 throughout. The
 * archive holds {@code manifest.json}, {@code tables/<name>.jsonl} (one JSON object per row),
 * {@code artifacts/<sha256>} and {@code folders/<name>/<path>} (files of the {@link
 * Builder#folder folders} given); everything is streamed, so artifacts of any size never sit in
 * memory. Tables are found from the database's metadata, so new migrations need no change here:
 * every table of the database is backed up, the other features' too (keys, jobs, studies ...),
 * and of each feature's Flyway history table only its version.
 */
public final class RegistryBackup {
  private final Clock clock;
  private final String servalVersion;
  private final boolean overwrite;
  private final Map<String, Path> folders;

  private RegistryBackup(Builder b) {
    this.clock = b.clock;
    this.servalVersion = b.servalVersion;
    this.overwrite = b.overwrite;
    this.folders = Map.copyOf(b.folders);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Writes a backup of {@code registry} to {@code archive}. Tables are read in one read-only
   * REPEATABLE READ transaction, so they are consistent even while the registry is in use. The
   * archive is written as {@code <archive>.partial} and renamed when complete, so a crash never
   * leaves a half archive under the final name.
   *
   * @throws ConflictException when {@code archive} exists and overwriting was not allowed
   * @throws StorageException when the archive cannot be written or an artifact in the store is
   *     missing or damaged
   */
  public BackupSummary write(ModelRegistry registry, Path archive, ProgressListener progress) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(progress, "progress");
    refuseExisting(archive);
    Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
    try {
      String createdAt = clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
      Manifest manifest =
          ArchiveWriter.write(registry, partial, createdAt, servalVersion, folders, progress);
      refuseExisting(archive);
      Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
      return summary(manifest);
    } catch (IOException | UncheckedIOException e) {
      throw new StorageException(
          "cannot write backup archive " + archive + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(partial);
    }
  }

  /**
   * Restores {@code archive} into {@code target}, which must be empty and whose database every
   * feature of the archive has migrated already. First every table file, artifact and folder file
   * is checked against the manifest's SHA-256 (artifacts while they stream into the store's
   * staging area, files into a staging folder); only then are the rows inserted, parents first,
   * in one transaction, and the artifacts and folders published. Identity columns are moved past
   * the restored ids.
   *
   * @throws dev.serval.core.InvalidInputException when the archive is missing, truncated or
   *     damaged; the message names the entry with its expected and actual digest
   * @throws ConflictException when the target holds data, lacks a feature's tables or has an
   *     older schema of one than the archive, or when the archive has files of a folder not given
   */
  public BackupSummary restore(Path archive, ModelRegistry target, ProgressListener progress) {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(progress, "progress");
    try (ArchiveReader reader = ArchiveReader.open(archive)) {
      return summary(Restorer.restore(reader, target, folders, progress));
    }
  }

  private void refuseExisting(Path archive) {
    if (!overwrite && Files.exists(archive)) {
      throw new ConflictException("backup archive " + archive + " already exists");
    }
  }

  private static BackupSummary summary(Manifest manifest) {
    return new BackupSummary(manifest.tables().size(), manifest.rows(),
        manifest.artifacts().size(), manifest.artifactBytes(), manifest.files().size(),
        manifest.fileBytes());
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a leftover .partial is harmless: the next backup to this name overwrites it
    }
  }

  /** Configures backups; all settings have defaults. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private String servalVersion = "unknown";
    private boolean overwrite;
    private final Map<String, Path> folders = new TreeMap<>();

    private Builder() {}

    /**
     * A folder of files a feature keeps beside the database (e.g. "jobs": job logs and outputs).
     * A backup archives its files under {@code name}; a restore puts the archive's files of
     * {@code name} into {@code dir}, which must be missing or empty.
     */
    public Builder folder(String name, Path dir) {
      if (name == null || !Manifest.FOLDER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "folder name must be lowercase letters, digits and '-', got '" + name + "'");
      }
      folders.put(name, Objects.requireNonNull(dir, "dir").toAbsolutePath());
      return this;
    }

    /** Source of the creation time recorded in the manifest. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The Serval release recorded in the manifest, e.g. "0.1.0". */
    public Builder servalVersion(String version) {
      if (version == null || version.isBlank()) {
        throw new IllegalArgumentException("servalVersion must not be blank: " + version);
      }
      this.servalVersion = version;
      return this;
    }

    /** Whether {@link #write} may replace an existing archive (default: refuse). */
    public Builder overwrite(boolean overwrite) {
      this.overwrite = overwrite;
      return this;
    }

    public RegistryBackup build() {
      return new RegistryBackup(this);
    }
  }
}
