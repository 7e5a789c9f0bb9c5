package dev.serval.core;

import java.util.Arrays;

/**
 * An immutable tensor shape. In a signature a dimension of {@code -1} is dynamic (any size); in a
 * concrete tensor every dimension is zero or more.
 */
public final class Shape {
  public static final long DYNAMIC = -1;

  private final long[] dims;

  private Shape(long[] dims) {
    this.dims = dims;
  }

  /** A shape that may contain dynamic dimensions (-1), as found in a model signature. */
  public static Shape ofSignature(long... dims) {
    long[] copy = dims.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] < DYNAMIC) {
        throw new IllegalArgumentException(
            "dimension " + i + " of signature shape " + Arrays.toString(dims) + " is " + copy[i]
                + "; must be -1 (dynamic) or >= 0");
      }
    }
    return new Shape(copy);
  }

  /**
   * A concrete shape. Rejects negative dimensions and shapes whose element count overflows a
   * long, naming the bad dimension.
   *
   * @throws InvalidInputException when a dimension is negative or the element count overflows
   */
  public static Shape of(long... dims) {
    long[] copy = dims.clone();
    long count = 1;
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] < 0) {
        throw new InvalidInputException(
            "shape " + Arrays.toString(dims) + " has negative dimension " + copy[i] + " at index "
                + i);
      }
      try {
        count = Math.multiplyExact(count, copy[i]);
      } catch (ArithmeticException e) {
        throw new InvalidInputException("shape " + Arrays.toString(dims) + " is too large");
      }
    }
    return new Shape(copy);
  }

  public int rank() {
    return dims.length;
  }

  public long dim(int index) {
    return dims[index];
  }

  /** A copy of the dimensions. */
  public long[] dims() {
    return dims.clone();
  }

  public boolean isDynamic(int index) {
    return dims[index] == DYNAMIC;
  }

  /** Number of elements; only meaningful for a concrete shape. */
  public long elementCount() {
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    return count;
  }

  /** This shape with the first dimension replaced, e.g. to form a batch. */
  public Shape withFirstDim(long first) {
    long[] copy = dims.clone();
    copy[0] = first;
    return new Shape(copy);
  }

  /**
   * Whether a concrete shape fits this signature shape: same rank and equal dimensions except
   * where this one is dynamic.
   */
  public boolean accepts(Shape concrete) {
    if (concrete.dims.length != dims.length) {
      return false;
    }
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] != DYNAMIC && dims[i] != concrete.dims[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape && Arrays.equals(dims, ((Shape) o).dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
