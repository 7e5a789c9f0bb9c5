package dev.serval.registry.validation;

import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Signature;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/** Generated input for a model's signature, and the check that its outputs are finite. */
final class SmokeRun {
  // Small non-negative integers are valid indices, counts and unsigned values for most graphs.
  private static final int INTEGER_BOUND = 3;
  private static final int MAX_STRING_LENGTH = 8;

  private SmokeRun() {}

  /**
   * One input per signature input, dynamic dimensions set to 1: floating-point values uniform in
   * [-1, 1), integers in [0, 3), random booleans and short lowercase strings.
   */
  static List<Tensor> inputs(Signature signature, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return signature.inputs().stream().map(spec -> input(spec, random)).toList();
  }

  /** Empty when every element of a floating-point output is finite; otherwise which is not. */
  static Optional<String> nonFinite(Tensor output) {
    DataType type = output.datatype();
    if (!Elements.isReal(type)) {
      return Optional.empty();
    }
    ByteBuffer data = output.data();
    int count = Math.toIntExact(output.shape().elementCount());
    int first = -1;
    int bad = 0;
    for (int i = 0; i < count; i++) {
      if (!Double.isFinite(Elements.real(data, type, i))) {
        if (bad == 0) {
          first = i;
        }
        bad++;
      }
    }
    if (bad == 0) {
      return Optional.empty();
    }
    return Optional.of("output '" + output.name() + "' has " + bad + " non-finite of " + count
        + " values, first " + Elements.format(output, first) + " at "
        + Elements.position(output.shape(), first));
  }

  private static Tensor input(TensorSpec spec, SplittableRandom random) {
    long[] dims = spec.shape().dims();
    for (int i = 0; i < dims.length; i++) {
      dims[i] = dims[i] == Shape.DYNAMIC ? 1 : dims[i];
    }
    Shape shape = Shape.of(dims);
    int count = Math.toIntExact(shape.elementCount());
    DataType type = spec.datatype();
    if (type == DataType.BYTES) {
      byte[][] strings = new byte[count][];
      for (int i = 0; i < count; i++) {
        strings[i] = word(random).getBytes(StandardCharsets.UTF_8);
      }
      return Tensor.ofStrings(spec.name(), shape, strings);
    }
    ByteBuffer data = Elements.allocate(type, shape);
    for (int i = 0; i < count; i++) {
      if (Elements.isReal(type)) {
        Elements.putReal(data, type, random.nextDouble(-1, 1));
      } else {
        Elements.putInteger(data, type, random.nextInt(type == DataType.BOOL ? 2 : INTEGER_BOUND));
      }
    }
    return Tensor.of(spec.name(), type, shape, data.flip());
  }

  private static String word(SplittableRandom random) {
    StringBuilder word = new StringBuilder();
    int length = 1 + random.nextInt(MAX_STRING_LENGTH);
    for (int i = 0; i < length; i++) {
      word.append((char) ('a' + random.nextInt(26)));
    }
    return word.toString();
  }
}
