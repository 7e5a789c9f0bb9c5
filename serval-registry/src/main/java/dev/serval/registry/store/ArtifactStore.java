package dev.serval.registry.store;

import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.core.PayloadTooLargeException;
import dev.serval.registry.internal.Names;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.attribute.FileTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed files under {@code ROOT/sha256/ab/abcdef...}. Uploads stream through a temp
 * file in {@code ROOT/tmp} (same file system, so the final rename is atomic) and are never held in
 * memory. The folder may be shared by several nodes: names are unique per upload and identical
 * content always lands on the same path, so concurrent writers cannot corrupt each other.
 */
public final class ArtifactStore {
  private static final Logger log = LoggerFactory.getLogger(ArtifactStore.class);
  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
  private static final String TEMP_SUFFIX = ".part";
  private static final int BUFFER = 64 * 1024;

  private final Path root;
  private final Path temp;

  private ArtifactStore(Path root) {
    this.root = root;
    this.temp = root.resolve("tmp");
  }

  /**
   * Opens (creating if needed) the store and removes temp files untouched for longer than {@code
   * orphanGrace}: they are left by crashed uploads. Uploads in progress on other nodes keep
   * writing, so their modification time stays recent and the grace period protects them.
   */
  public static ArtifactStore open(Path root, Clock clock, Duration orphanGrace) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(clock, "clock");
    if (orphanGrace == null || orphanGrace.isNegative()) {
      throw new IllegalArgumentException("orphanGrace must be >= 0: " + orphanGrace);
    }
    ArtifactStore store = new ArtifactStore(root.toAbsolutePath());
    try {
      Files.createDirectories(store.temp);
      Files.createDirectories(store.root.resolve("sha256"));
      store.removeOrphans(clock.instant().minus(orphanGrace));
    } catch (IOException e) {
      throw new StorageException("cannot open artifact store at " + root, e);
    }
    return store;
  }

  /** Stores the stream's content and returns it published; see {@link #stage}. */
  public StagedArtifact put(InputStream in, long maxBytes) {
    StagedArtifact staged = stage(in, maxBytes);
    staged.publish();
    return staged;
  }

  /**
   * Streams {@code in} to a temp file while hashing it and syncs it to disk. Nothing is left
   * behind when the stream fails or exceeds {@code maxBytes}.
   *
   * @throws PayloadTooLargeException when the content is longer than {@code maxBytes}
   * @throws InvalidInputException when reading {@code in} fails (e.g. a cut connection)
   */
  public StagedArtifact stage(InputStream in, long maxBytes) {
    Objects.requireNonNull(in, "in");
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be > 0: " + maxBytes);
    }
    Path file = temp.resolve(UUID.randomUUID() + TEMP_SUFFIX);
    boolean done = false;
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      MessageDigest sha = sha256();
      long size = copy(in, Channels.newOutputStream(channel), sha, maxBytes);
      channel.force(true);
      done = true;
      return new StagedArtifact(this, file, HexFormat.of().formatHex(sha.digest()), size);
    } catch (IOException e) {
      throw new StorageException("cannot write upload to " + temp, e);
    } finally {
      if (!done) {
        deleteQuietly(file);
      }
    }
  }

  private static long copy(InputStream in, OutputStream out, MessageDigest sha, long maxBytes)
      throws IOException {
    byte[] buffer = new byte[BUFFER];
    long size = 0;
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (IOException e) {
        // The source failed, not our disk: the caller (a cut client) is at fault.
        throw new InvalidInputException(
            "upload stream failed after " + size + " bytes: " + e.getMessage(), e);
      }
      if (n < 0) {
        return size;
      }
      size += n;
      if (size > maxBytes) {
        throw new PayloadTooLargeException("upload exceeds the limit of " + maxBytes + " bytes");
      }
      sha.update(buffer, 0, n);
      out.write(buffer, 0, n);
    }
  }

  void publish(Path staged, String sha256) {
    Path target = path(sha256);
    try {
      if (Files.exists(target)) {
        Files.delete(staged);
        // A fresh time keeps the orphan sweep of another node's start-up off a file that a
        // version is about to reference again.
        Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
        return;
      }
      Files.createDirectories(target.getParent());
      moveAtomically(staged, target);
      syncDirectory(target.getParent());
    } catch (IOException e) {
      throw new StorageException("cannot publish artifact " + sha256, e);
    }
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("artifact folder does not support atomic rename: " + to, e);
    }
  }

  /** Makes the rename itself durable, not only the file content. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms cannot open directories; the content is already synced.
      log.debug("cannot sync directory {}", dir, e);
    }
  }

  /** Location of the artifact; it may not exist. */
  public Path path(String sha256) {
    checkDigest(sha256);
    return root.resolve("sha256").resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  public boolean exists(String sha256) {
    return Files.isRegularFile(path(sha256));
  }

  /**
   * Opens the artifact for reading.
   *
   * @throws ModelNotFoundException when no artifact has this digest
   */
  public InputStream open(String sha256) {
    try {
      return Files.newInputStream(path(sha256));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ModelNotFoundException("no artifact with sha256 " + sha256);
    } catch (IOException e) {
      throw new StorageException("cannot open artifact " + sha256, e);
    }
  }

  /**
   * Deletes the artifact. The caller must know that nothing references it.
   *
   * @return whether a file was deleted
   */
  public boolean delete(String sha256) {
    try {
      return Files.deleteIfExists(path(sha256));
    } catch (IOException e) {
      throw new StorageException("cannot delete artifact " + sha256, e);
    }
  }

  /** Re-hashes the stored file; false when it is missing or its content does not match. */
  public boolean verify(String sha256) {
    if (!exists(sha256)) {
      return false;
    }
    MessageDigest sha = sha256();
    try (InputStream in = new DigestInputStream(open(sha256), sha)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new StorageException("cannot read artifact " + sha256, e);
    }
    return HexFormat.of().formatHex(sha.digest()).equals(sha256);
  }

  /** Digests of the stored files last modified before {@code cutoff}. */
  public List<String> storedBefore(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    try (Stream<Path> files = Files.walk(root.resolve("sha256"), 2)) {
      return files
          .filter(file -> DIGEST.matcher(file.getFileName().toString()).matches())
          .filter(file -> modifiedBefore(file, cutoff))
          .map(file -> file.getFileName().toString())
          .toList();
    } catch (IOException e) {
      throw new StorageException("cannot list artifacts under " + root, e);
    }
  }

  private static boolean modifiedBefore(Path file, Instant cutoff) {
    try {
      return Files.getLastModifiedTime(file).toInstant().isBefore(cutoff);
    } catch (IOException e) {
      return false; // removed meanwhile, or unreadable: not ours to delete
    }
  }

  private void removeOrphans(Instant olderThan) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(temp, "*" + TEMP_SUFFIX)) {
      for (Path file : files) {
        Instant modified;
        try {
          modified = Files.getLastModifiedTime(file).toInstant();
        } catch (java.nio.file.NoSuchFileException e) {
          continue; // another node finished or removed it meanwhile
        }
        if (modified.isBefore(olderThan)) {
          log.info("removing abandoned upload {}", file);
          deleteQuietly(file);
        }
      }
    }
  }

  private static void checkDigest(String sha256) {
    if (sha256 == null || !DIGEST.matcher(sha256).matches()) {
      throw new InvalidInputException(
          "sha256 must be 64 lowercase hex characters: " + Names.show(sha256));
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("cannot delete temp upload {}; it is removed at the next start", file, e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
