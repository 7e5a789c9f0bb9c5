package dev.serval.jobs.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;

/**
 * Appends lines to an attempt's {@link LogFiles}, keeping at most {@code maxBytes} of the newest
 * output: when the current file reaches half, it becomes the previous one (replacing that).
 * Written by one thread; each line is flushed so that followers see it at once.
 */
public final class LogWriter implements AutoCloseable {
  private final LogFiles files;
  private final long half;
  private OutputStream out;
  private long size;

  public LogWriter(LogFiles files, long maxBytes) throws IOException {
    if (maxBytes < 2) {
      throw new IllegalArgumentException("maxBytes must be at least 2, got " + maxBytes);
    }
    this.files = files;
    this.half = maxBytes / 2;
    Files.deleteIfExists(files.previous());
    this.out = Files.newOutputStream(files.current());
  }

  public void line(String text) throws IOException {
    byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
    if (bytes.length > half) {
      bytes = (text.substring(0, (int) Math.min(text.length(), half / 4)) + " [line cut]\n")
          .getBytes(StandardCharsets.UTF_8);
    }
    if (size + bytes.length > half) {
      rotate();
    }
    out.write(bytes);
    out.flush();
    size += bytes.length;
  }

  private void rotate() throws IOException {
    out.close();
    Files.move(files.current(), files.previous(), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    out = Files.newOutputStream(files.current());
    size = 0;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
