package dev.serval.registry.backup.internal;

import dev.serval.core.InvalidInputException;
import dev.serval.core.PayloadTooLargeException;
import dev.serval.registry.backup.internal.Manifest.ArtifactEntry;
import dev.serval.registry.backup.internal.Manifest.FileEntry;
import dev.serval.registry.backup.internal.Manifest.TableEntry;
import dev.serval.registry.store.ArtifactStore;
import dev.serval.registry.store.StagedArtifact;
import dev.serval.registry.store.StorageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A backup archive opened for restore. Every check names the archive and the entry, since the
 * user has to find out which file is damaged.
 */
public final class ArchiveReader implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;

  private final Path path;
  private final ZipFile zip;
  private final Manifest manifest;

  private ArchiveReader(Path path, ZipFile zip, Manifest manifest) {
    this.path = path;
    this.zip = zip;
    this.manifest = manifest;
  }

  /**
   * Opens the archive and reads its manifest.
   *
   * @throws InvalidInputException when the file is missing, not a whole zip file, or has no
   *     readable manifest of a known format
   */
  public static ArchiveReader open(Path archive) {
    if (!Files.isRegularFile(archive)) {
      throw new InvalidInputException("backup archive " + archive + " does not exist");
    }
    ZipFile zip;
    try {
      zip = new ZipFile(archive.toFile());
    } catch (ZipException e) {
      throw new InvalidInputException("backup archive " + archive
          + " is not a complete zip file (truncated or damaged): " + e.getMessage(), e);
    } catch (IOException e) {
      throw new StorageException("cannot read backup archive " + archive, e);
    }
    try {
      return new ArchiveReader(archive, zip, readManifest(archive, zip));
    } catch (RuntimeException e) {
      closeQuietly(zip);
      throw e;
    }
  }

  private static Manifest readManifest(Path archive, ZipFile zip) {
    ZipEntry entry = zip.getEntry(Manifest.ENTRY);
    if (entry == null) {
      throw new InvalidInputException(
          "backup archive " + archive + " has no " + Manifest.ENTRY + "; is it a Serval backup?");
    }
    Manifest manifest;
    try (InputStream in = zip.getInputStream(entry)) {
      manifest = Manifest.read(in);
    } catch (IOException e) {
      throw new InvalidInputException(
          Manifest.ENTRY + " in " + archive + " is not valid: " + e.getMessage(), e);
    }
    if (manifest.format() != Manifest.FORMAT && manifest.format() != Manifest.FORMAT_1) {
      throw new InvalidInputException("backup archive " + archive + " has format "
          + manifest.format() + "; this Serval reads formats " + Manifest.FORMAT_1 + " to "
          + Manifest.FORMAT + ": restore it with the Serval release that wrote it or a newer"
          + " one");
    }
    return manifest;
  }

  public Manifest manifest() {
    return manifest;
  }

  public Path path() {
    return path;
  }

  /**
   * Checks the table file's checksum and that it holds as many rows as the manifest says.
   *
   * @throws InvalidInputException naming the entry when either differs
   */
  public void verify(TableEntry table) {
    MessageDigest sha = Sha256.create();
    long lines = 0;
    try (InputStream in = open(table.entryName())) {
      byte[] buffer = new byte[BUFFER];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        sha.update(buffer, 0, n);
        for (int i = 0; i < n; i++) {
          lines += buffer[i] == '\n' ? 1 : 0;
        }
      }
    } catch (IOException e) {
      throw damaged(table.entryName(), "it cannot be read (" + e.getMessage() + ")", e);
    }
    String actual = Sha256.hex(sha);
    if (!actual.equals(table.sha256())) {
      throw damaged(table.entryName(), mismatch(table.sha256(), actual), null);
    }
    if (lines != table.rows()) {
      throw damaged(table.entryName(),
          "it holds " + lines + " rows but the manifest says " + table.rows(), null);
    }
  }

  /**
   * Streams the artifact into the store's staging area, hashing it on the way.
   *
   * @return the staged content, not yet published; the caller closes or publishes it
   * @throws InvalidInputException naming the entry when its digest or size differs
   */
  public StagedArtifact stage(ArtifactEntry artifact, ArtifactStore store) {
    String entry = artifact.entryName();
    StagedArtifact staged;
    InputStream content = open(entry);
    try (InputStream in = content) {
      staged = store.stage(in, Math.max(1, artifact.size()));
    } catch (PayloadTooLargeException e) {
      throw damaged(entry, "it is longer than the manifest's " + artifact.size() + " bytes", e);
    } catch (InvalidInputException | IOException e) {
      throw damaged(entry, "it cannot be read (" + e.getMessage() + ")", e);
    }
    if (!staged.sha256().equals(artifact.sha256()) || staged.size() != artifact.size()) {
      staged.close();
      throw damaged(entry, mismatch(artifact.sha256(), staged.sha256()) + " (" + staged.size()
          + " bytes, expected " + artifact.size() + ")", null);
    }
    return staged;
  }

  /**
   * Copies the file to {@code target}, hashing it on the way. Like an artifact, it is read at
   * most one byte past the manifest's size, so that a damaged archive cannot fill the disk.
   *
   * @throws InvalidInputException naming the entry when its digest or size differs
   */
  public void extract(FileEntry file, Path target) {
    String entry = file.entryName();
    MessageDigest sha = Sha256.create();
    long size;
    try (InputStream in = new DigestInputStream(open(entry), sha)) {
      Files.createDirectories(target.getParent());
      try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
        size = copyAtMost(in, out, file.size() + 1);
      }
    } catch (IOException e) {
      throw damaged(entry, "it cannot be extracted to " + target + " (" + e.getMessage() + ")",
          e);
    }
    if (size > file.size()) {
      throw damaged(entry, "it is longer than the manifest's " + file.size() + " bytes", null);
    }
    String actual = Sha256.hex(sha);
    if (!actual.equals(file.sha256()) || size != file.size()) {
      throw damaged(entry, mismatch(file.sha256(), actual) + " (" + size + " bytes, expected "
          + file.size() + ")", null);
    }
  }

  private static long copyAtMost(InputStream in, OutputStream out, long limit)
      throws IOException {
    byte[] buffer = new byte[BUFFER];
    long copied = 0;
    int n;
    while (copied < limit
        && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied))) >= 0) {
      out.write(buffer, 0, n);
      copied += n;
    }
    return copied;
  }

  /** The table's rows, one JSON object per line. */
  public BufferedReader rows(TableEntry table) {
    return new BufferedReader(
        new InputStreamReader(open(table.entryName()), StandardCharsets.UTF_8), BUFFER);
  }

  private InputStream open(String name) {
    ZipEntry entry = zip.getEntry(name);
    if (entry == null) {
      throw new InvalidInputException(
          "backup archive " + path + " lacks " + name + ", which its manifest lists");
    }
    try {
      return zip.getInputStream(entry);
    } catch (IOException e) {
      throw damaged(name, "it cannot be read (" + e.getMessage() + ")", e);
    }
  }

  private static String mismatch(String expected, String actual) {
    return "expected sha256 " + expected + " but it is " + actual;
  }

  private InvalidInputException damaged(String entry, String why, Throwable cause) {
    return new InvalidInputException(
        entry + " in backup archive " + path + " is damaged: " + why, cause);
  }

  @Override
  public void close() {
    closeQuietly(zip);
  }

  private static void closeQuietly(ZipFile zip) {
    try {
      zip.close();
    } catch (IOException e) {
      // only read from: nothing is lost
    }
  }
}
