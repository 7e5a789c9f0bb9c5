package dev.serval.runtime.onnx.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reusable direct memory for input tensors that arrive in heap buffers. ONNX Runtime reads a
 * direct buffer in place but copies a heap buffer into a freshly allocated direct one on every
 * call; staging through buffers kept per model turns that into one plain copy.
 *
 * <p>One set of buffers (one slot per model input) is kept. A caller {@link #take}s it for the
 * duration of a run and {@link #give}s it back; a concurrent caller that finds it taken gets an
 * empty set of its own, so runs never share memory.
 */
public final class InputStaging {
  private static final int MIN_CAPACITY = 4096;

  private final int slots;
  private final AtomicReference<ByteBuffer[]> idle;

  public InputStaging(int slots) {
    this.slots = slots;
    this.idle = new AtomicReference<>(new ByteBuffer[slots]);
  }

  public ByteBuffer[] take() {
    ByteBuffer[] buffers = idle.getAndSet(null);
    return buffers != null ? buffers : new ByteBuffer[slots];
  }

  public void give(ByteBuffer[] buffers) {
    idle.set(buffers);
  }

  /**
   * Copies {@code source}'s remaining bytes into slot {@code slot} of {@code buffers}, growing it
   * when needed, and returns a direct view of exactly those bytes.
   */
  public static ByteBuffer stage(ByteBuffer[] buffers, int slot, ByteBuffer source) {
    int size = source.remaining();
    if (buffers[slot] == null || buffers[slot].capacity() < size) {
      buffers[slot] = ByteBuffer.allocateDirect(capacityFor(size));
    }
    ByteBuffer view = buffers[slot].duplicate();
    view.put(source.duplicate());
    view.flip();
    return view;
  }

  /** A power of two, so that slowly growing batches do not reallocate on every call. */
  private static int capacityFor(int size) {
    if (size <= MIN_CAPACITY) {
      return MIN_CAPACITY;
    }
    int power = Integer.highestOneBit(size - 1) << 1;
    return power > 0 ? power : size;
  }
}
