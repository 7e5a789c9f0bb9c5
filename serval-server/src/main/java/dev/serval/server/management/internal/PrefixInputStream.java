package dev.serval.server.management.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The first {@code length} bytes of a stream, leaving the rest of it unread: splits a body that
 * carries a prefix (the test cases) in front of the artifact without copying either.
 */
public final class PrefixInputStream extends FilterInputStream {
  private long remaining;

  public PrefixInputStream(InputStream in, long length) {
    super(in);
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0: " + length);
    }
    this.remaining = length;
  }

  @Override
  public int read() throws IOException {
    if (remaining == 0) {
      return -1;
    }
    int b = super.read();
    if (b >= 0) {
      remaining--;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (remaining == 0) {
      return length == 0 ? 0 : -1;
    }
    int n = super.read(buffer, offset, (int) Math.min(length, remaining));
    if (n > 0) {
      remaining -= n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(Math.min(n, remaining));
    remaining -= skipped;
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(super.available(), remaining);
  }

  /** The underlying stream goes on with the artifact, so it stays open. */
  @Override
  public void close() {}

  @Override
  public boolean markSupported() {
    return false;
  }
}
