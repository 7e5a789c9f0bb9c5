package dev.serval.serving;

import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Signature;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import dev.serval.core.runtime.LoadedModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A hand-written model for batching tests: input "x" FP32 [firstDim, width], outputs "y" = 2x and
 * "z" = x + 1. It records the rows of every run (the warmup included), can hold each run at a gate,
 * and can be told to fail.
 */
final class FakeModel implements LoadedModel {
  final List<Integer> runRows = Collections.synchronizedList(new ArrayList<>());
  final Semaphore started = new Semaphore(0);
  final AtomicBoolean closed = new AtomicBoolean();
  volatile Semaphore gate;
  volatile RuntimeException failure;
  private final Signature signature;

  FakeModel(long firstDim, long width) {
    Shape shape = Shape.ofSignature(firstDim, width);
    this.signature =
        new Signature(
            List.of(new TensorSpec("x", DataType.FP32, shape)),
            List.of(
                new TensorSpec("y", DataType.FP32, shape),
                new TensorSpec("z", DataType.FP32, shape)));
  }

  /** A batchable model: x is [-1, 2]. */
  static FakeModel batchable() {
    return new FakeModel(-1, 2);
  }

  /** Holds every following run until {@link #release} lets it through. */
  FakeModel gated() {
    started.drainPermits();
    gate = new Semaphore(0);
    return this;
  }

  void release(int runs) {
    gate.release(runs);
  }

  /** Lets held and following runs through, so that a failed test cannot leave a run held. */
  void openGate() {
    Semaphore current = gate;
    gate = null;
    if (current != null) {
      current.release(Integer.MAX_VALUE / 2);
    }
  }

  /** Waits until a run has started (and is possibly held at the gate). */
  void awaitRunStarted() {
    started.acquireUninterruptibly();
  }

  /** Rows of each run after the warmup. */
  List<Integer> servedBatches() {
    synchronized (runRows) {
      return List.copyOf(runRows.subList(1, runRows.size()));
    }
  }

  @Override
  public Signature signature() {
    return signature;
  }

  @Override
  public List<Tensor> run(List<Tensor> inputs, Set<String> outputs) {
    Tensor x = inputs.get(0);
    runRows.add((int) x.shape().dim(0));
    started.release();
    Semaphore currentGate = gate;
    if (currentGate != null) {
      currentGate.acquireUninterruptibly();
    }
    RuntimeException currentFailure = failure;
    if (currentFailure != null) {
      throw currentFailure;
    }
    List<Tensor> result = new ArrayList<>();
    if (outputs.isEmpty() || outputs.contains("y")) {
      result.add(map(x, "y", 2, 0));
    }
    if (outputs.isEmpty() || outputs.contains("z")) {
      result.add(map(x, "z", 1, 1));
    }
    return result;
  }

  @Override
  public void close() {
    closed.set(true);
  }

  private static Tensor map(Tensor x, String name, float scale, float offset) {
    FloatBuffer in = x.data().asFloatBuffer();
    ByteBuffer out = ByteBuffer.allocate(in.remaining() * 4).order(ByteOrder.LITTLE_ENDIAN);
    while (in.hasRemaining()) {
      out.putFloat(in.get() * scale + offset);
    }
    out.flip();
    return Tensor.of(name, DataType.FP32, x.shape(), out);
  }
}
