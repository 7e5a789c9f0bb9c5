package dev.serval.registry.backup.internal;

import dev.serval.registry.ConflictException;
import dev.serval.registry.backup.ProgressListener;
import dev.serval.registry.backup.ProgressListener.Step;
import dev.serval.registry.backup.internal.Manifest.FileEntry;
import dev.serval.registry.store.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Folders of files that features keep beside the database (job logs and outputs), archived
 * under {@code folders/<name>/}. A restore stages each folder next to its target and moves it
 * into place only after the rows are committed, so a failed restore leaves no half folder.
 */
final class FolderFiles implements AutoCloseable {
  private final List<Staging> staged = new ArrayList<>();

  /** A folder's files extracted into {@code staging}, on their way to {@code target}. */
  private record Staging(String name, Path target, Path staging, List<FileEntry> files) {
    long bytes() {
      return files.stream().mapToLong(FileEntry::size).sum();
    }
  }

  private FolderFiles() {}

  /** Zips every regular file of each folder in path order; a missing folder has none. */
  static List<FileEntry> write(Map<String, Path> folders, ZipOutputStream zip,
      ProgressListener progress) throws IOException {
    List<FileEntry> entries = new ArrayList<>();
    for (Map.Entry<String, Path> folder : folders.entrySet()) {
      List<FileEntry> written = new ArrayList<>();
      for (Path file : files(folder.getValue())) {
        written.add(write(folder.getKey(), folder.getValue(), file, zip));
      }
      progress.folder(Step.BACKUP, folder.getKey(), written.size(),
          written.stream().mapToLong(FileEntry::size).sum());
      entries.addAll(written);
    }
    return entries;
  }

  private static List<Path> files(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString))
          .toList();
    }
  }

  private static FileEntry write(String name, Path folder, Path file, ZipOutputStream zip)
      throws IOException {
    String path = folder.relativize(file).toString().replace(file.getFileSystem()
        .getSeparator(), "/");
    zip.putNextEntry(new ZipEntry(FileEntry.entryName(name, path)));
    MessageDigest sha = Sha256.create();
    long size;
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
      size = in.transferTo(zip);
    }
    zip.closeEntry();
    return new FileEntry(name, path, size, Sha256.hex(sha));
  }

  /**
   * Refuses to restore when the archive has files of a folder no target was given for, or when
   * a target folder holds files already.
   */
  static void checkTargets(Manifest manifest, Map<String, Path> targets, Path archive) {
    for (FileEntry file : manifest.files()) {
      Path target = targets.get(file.folder());
      if (target == null) {
        throw new ConflictException("backup archive " + archive + " has files of folder '"
            + file.folder() + "' but the restore was given no folder to put them in");
      }
    }
    for (Map.Entry<String, Path> target : targets.entrySet()) {
      if (!isEmpty(target.getValue())) {
        throw new ConflictException("the target folder " + target.getValue() + " ("
            + target.getKey() + ") is not empty; restore only into a new --data folder");
      }
    }
  }

  private static boolean isEmpty(Path folder) {
    if (!Files.exists(folder)) {
      return true;
    }
    try (Stream<Path> children = Files.list(folder)) {
      return children.findAny().isEmpty();
    } catch (IOException e) {
      throw new StorageException("cannot read the target folder " + folder, e);
    }
  }

  /**
   * Extracts every file into a staging folder beside its target, checking each digest.
   *
   * @throws dev.serval.core.InvalidInputException naming the entry when a file is damaged
   */
  static FolderFiles stage(ArchiveReader archive, Map<String, Path> targets,
      ProgressListener progress) {
    FolderFiles folders = new FolderFiles();
    try {
      for (Map.Entry<String, Path> target : targets.entrySet()) {
        List<FileEntry> files = archive.manifest().files().stream()
            .filter(f -> f.folder().equals(target.getKey())).toList();
        if (!files.isEmpty()) {
          Staging staging = folders.stage(target.getKey(), target.getValue(), files);
          for (FileEntry file : files) {
            archive.extract(file, staging.staging().resolve(file.path()));
          }
          progress.folder(Step.VERIFY, staging.name(), files.size(), staging.bytes());
        }
      }
      return folders;
    } catch (RuntimeException e) {
      folders.close();
      throw e;
    }
  }

  private Staging stage(String name, Path target, List<FileEntry> files) {
    try {
      Path parent = Files.createDirectories(target.toAbsolutePath().getParent());
      Path folder = Files.createTempDirectory(parent, "." + target.getFileName() + "-restore-");
      Staging staging = new Staging(name, target, folder, files);
      staged.add(staging);
      return staging;
    } catch (IOException e) {
      throw new StorageException("cannot create a staging folder beside " + target, e);
    }
  }

  /** Moves each staged folder to its target, which is still missing or empty. */
  void publish(ProgressListener progress) {
    for (Staging folder : List.copyOf(staged)) {
      Path target = folder.target();
      try {
        Files.deleteIfExists(target);
        Files.move(folder.staging(), target, StandardCopyOption.ATOMIC_MOVE);
      } catch (DirectoryNotEmptyException e) {
        // kept, not deleted on close: these files are the only copy outside the archive
        staged.remove(folder);
        throw new ConflictException("the target folder " + target + " received files during"
            + " the restore; the database is restored, the folder's files are in "
            + folder.staging());
      } catch (IOException e) {
        staged.remove(folder);
        throw new StorageException("cannot move the restored files from " + folder.staging()
            + " to " + target + "; the database is restored, move the folder yourself", e);
      }
      staged.remove(folder);
      progress.folder(Step.RESTORE, folder.name(), folder.files().size(), folder.bytes());
    }
  }

  /** Deletes what was staged and not published. */
  @Override
  public void close() {
    staged.forEach(folder -> deleteTree(folder.staging()));
    staged.clear();
  }

  private static void deleteTree(Path folder) {
    try (Stream<Path> walk = Files.walk(folder)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // a leftover staging folder is hidden and harmless; nothing refers to it
    }
  }
}
