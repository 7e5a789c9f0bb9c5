package dev.serval.registry.store;

import java.io.InputStream;
import java.util.SplittableRandom;

/** A seeded pseudo-random stream of a given length, produced on the fly without storing it. */
final class GeneratedStream extends InputStream {
  private final SplittableRandom random;
  private long remaining;

  GeneratedStream(long seed, long length) {
    this.random = new SplittableRandom(seed);
    this.remaining = length;
  }

  @Override
  public int read() {
    if (remaining == 0) {
      return -1;
    }
    remaining--;
    return random.nextInt(256);
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (remaining == 0) {
      return -1;
    }
    int n = (int) Math.min(len, remaining);
    for (int i = 0; i < n; i += 8) {
      long bits = random.nextLong();
      for (int j = 0; j < 8 && i + j < n; j++) {
        b[off + i + j] = (byte) (bits >>> (8 * j));
      }
    }
    remaining -= n;
    return n;
  }
}
