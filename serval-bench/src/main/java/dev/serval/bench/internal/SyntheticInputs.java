package dev.serval.bench.internal;

import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic input tensors for a model signature: floats in [-1, 1), small non-negative
 * integers, booleans. Benchmarks measure speed, so the values only need to be valid.
 */
public final class SyntheticInputs {
  /** FP16 bit patterns of 0, 0.5, 1, -0.5 and -1, to avoid a float-to-half conversion. */
  private static final short[] HALF_VALUES = {0x0000, 0x3800, 0x3C00, (short) 0xB800,
      (short) 0xBC00};

  private SyntheticInputs() {}

  /**
   * One tensor per spec, with {@code rows} in the first dimension where it is dynamic and 1 in
   * every other dynamic dimension. The buffers are direct, as the runtime prefers.
   *
   * @throws IllegalArgumentException for a {@link DataType#BYTES} input, which has no sensible
   *     synthetic value
   */
  public static List<Tensor> create(List<TensorSpec> specs, long rows, long seed) {
    if (rows <= 0) {
      throw new IllegalArgumentException("rows must be > 0 but was " + rows);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<Tensor> tensors = new ArrayList<>(specs.size());
    for (TensorSpec spec : specs) {
      if (!spec.datatype().isFixedSize()) {
        throw new IllegalArgumentException(
            "input '" + spec.name() + "' is " + spec.datatype() + "; benchmarks need "
                + "fixed-size inputs");
      }
      Shape shape = concreteShape(spec.shape(), rows);
      ByteBuffer data = fill(spec.datatype(), shape.elementCount(), random);
      tensors.add(Tensor.of(spec.name(), spec.datatype(), shape, data));
    }
    return tensors;
  }

  /** {@code signature} with the first dynamic dimension set to {@code rows}, the others to 1. */
  public static Shape concreteShape(Shape signature, long rows) {
    long[] dims = signature.dims();
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] == Shape.DYNAMIC) {
        dims[i] = i == 0 ? rows : 1;
      }
    }
    return Shape.of(dims);
  }

  private static ByteBuffer fill(DataType type, long count, SplittableRandom random) {
    long bytes = count * type.byteSize();
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("input of " + count + " " + type + " elements is too "
          + "large for a benchmark");
    }
    ByteBuffer data = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (long i = 0; i < count; i++) {
      put(data, type, random);
    }
    return data.flip();
  }

  private static void put(ByteBuffer data, DataType type, SplittableRandom random) {
    switch (type) {
      case FP32 -> data.putFloat((float) (random.nextDouble() * 2 - 1));
      case FP64 -> data.putDouble(random.nextDouble() * 2 - 1);
      case FP16 -> data.putShort(HALF_VALUES[random.nextInt(HALF_VALUES.length)]);
      case BOOL -> data.put((byte) random.nextInt(2));
      case INT8, UINT8 -> data.put((byte) random.nextInt(10));
      case INT16, UINT16 -> data.putShort((short) random.nextInt(10));
      case INT32, UINT32 -> data.putInt(random.nextInt(10));
      case INT64, UINT64 -> data.putLong(random.nextInt(10));
      default -> throw new AssertionError(type);
    }
  }
}
