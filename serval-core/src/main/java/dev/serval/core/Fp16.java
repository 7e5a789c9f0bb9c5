package dev.serval.core;

/**
 * IEEE 754 half-precision conversions (Java 17 has no {@code Float.floatToFloat16}). Values are
 * carried as the raw 16 bits in a {@code short}.
 */
public final class Fp16 {
  public static final short POSITIVE_INFINITY = 0x7c00;
  private static final int MAGNITUDE_MASK = 0x7fff;

  private Fp16() {}

  /**
   * The half nearest to {@code value}, ties to even; values beyond the half range become
   * infinities. Converting from double rather than float avoids rounding twice for every input
   * that a JSON number can name, except ties finer than a double can hold.
   */
  public static short fromDouble(double value) {
    long bits = Double.doubleToRawLongBits(value);
    int sign = (int) (bits >>> 48) & 0x8000;
    int exponent = (int) (bits >>> 52) & 0x7ff;
    long fraction = bits & 0x000f_ffff_ffff_ffffL;
    if (exponent == 0x7ff) {
      return (short) (sign | POSITIVE_INFINITY | (fraction == 0 ? 0 : 0x200));
    }
    int unbiased = exponent - 1023;
    if (exponent == 0 || unbiased < -26) {
      return (short) sign; // below half the smallest half subnormal
    }
    if (unbiased > 15) {
      return (short) (sign | POSITIVE_INFINITY);
    }
    long significand = fraction | (1L << 52);
    boolean normal = unbiased >= -14;
    // Normals keep 11 significant bits; subnormals count in units of 2^-24.
    int shift = normal ? 42 : 28 - unbiased;
    long rounded = shiftRightRoundingToEven(significand, shift);
    // For normals, adding the rounded significand (implicit bit included) to the exponent field
    // one below the true one lets a carry out of the significand bump the exponent, up to
    // infinity, without a special case.
    int magnitude = (normal ? (unbiased + 14) << 10 : 0) + (int) rounded;
    return (short) (sign | Math.min(magnitude, POSITIVE_INFINITY));
  }

  /** The half nearest to {@code value}, ties to even (a float widens to double exactly). */
  public static short fromFloat(float value) {
    return fromDouble(value);
  }

  /** Whether {@code half} is neither infinite nor NaN. */
  public static boolean isFinite(short half) {
    return (half & POSITIVE_INFINITY) != POSITIVE_INFINITY;
  }

  public static float toFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int fraction = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f80_0000 | (fraction << 13));
    }
    if (exponent == 0) {
      float subnormal = fraction * 0x1p-24f;
      return sign == 0 ? subnormal : -subnormal;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (fraction << 13));
  }

  public static boolean isInfinite(short half) {
    return (half & MAGNITUDE_MASK) == POSITIVE_INFINITY;
  }

  private static long shiftRightRoundingToEven(long value, int shift) {
    long kept = value >>> shift;
    long dropped = value & ((1L << shift) - 1);
    long half = 1L << (shift - 1);
    if (dropped > half || (dropped == half && (kept & 1) == 1)) {
      kept++;
    }
    return kept;
  }
}
