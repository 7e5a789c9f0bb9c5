package dev.serval.jobs.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The log of one attempt: {@code attempt-N.log}, and {@code attempt-N.log.1} with the part
 * before it. The writer moves the current file to {@code .1} when it reaches half the limit, so
 * the two hold at most the limit and always the newest output.
 */
public record LogFiles(Path current, Path previous) {
  public static LogFiles of(Path jobDir, int attempt) {
    Path current = jobDir.resolve("attempt-" + attempt + ".log");
    return new LogFiles(current, current.resolveSibling(current.getFileName() + ".1"));
  }

  /** The whole kept log; empty when the attempt wrote nothing (or has not started). */
  public byte[] readAll() throws IOException {
    byte[] older = readIfExists(previous);
    byte[] newer = readIfExists(current);
    byte[] all = new byte[older.length + newer.length];
    System.arraycopy(older, 0, all, 0, older.length);
    System.arraycopy(newer, 0, all, older.length, newer.length);
    return all;
  }

  /** Identity of a file that survives its renaming (its inode), or null when it is missing. */
  static Object key(Path file) throws IOException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return attributes.fileKey() != null ? attributes.fileKey() : attributes.creationTime();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The bytes of {@code file} from {@code offset}, or none when it is missing. */
  static byte[] readFrom(Path file, long offset) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      in.skipNBytes(offset);
      return in.readAllBytes();
    } catch (NoSuchFileException e) {
      return new byte[0];
    }
  }

  private static byte[] readIfExists(Path file) throws IOException {
    return readFrom(file, 0);
  }
}
