package dev.serval.registry.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Copies of an archive with one entry changed, as damage that zip's own checks do not see. */
final class ZipEdits {
  private ZipEdits() {}

  /** A copy of {@code archive} in {@code copy} with {@code entry}'s content replaced. */
  static Path withEntry(Path archive, Path copy, String entry, UnaryOperator<byte[]> change)
      throws IOException {
    boolean found = false;
    try (ZipFile zip = new ZipFile(archive.toFile());
        OutputStream file = Files.newOutputStream(copy);
        ZipOutputStream out = new ZipOutputStream(file)) {
      for (Enumeration<? extends ZipEntry> it = zip.entries(); it.hasMoreElements(); ) {
        ZipEntry next = it.nextElement();
        byte[] content;
        try (InputStream in = zip.getInputStream(next)) {
          content = in.readAllBytes();
        }
        if (next.getName().equals(entry)) {
          content = change.apply(content);
          found = true;
        }
        out.putNextEntry(new ZipEntry(next.getName()));
        out.write(content);
        out.closeEntry();
      }
    }
    if (!found) {
      throw new IllegalArgumentException("no entry " + entry + " in " + archive);
    }
    return copy;
  }

  /** Inverts the bits of the byte at {@code index}. */
  static UnaryOperator<byte[]> flipByte(int index) {
    return content -> {
      byte[] changed = content.clone();
      changed[index] ^= (byte) 0xff;
      return changed;
    };
  }

  /** The entry's content as UTF-8 text. */
  static String read(Path archive, String entry) throws IOException {
    try (ZipFile zip = new ZipFile(archive.toFile());
        InputStream in = zip.getInputStream(zip.getEntry(entry))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
