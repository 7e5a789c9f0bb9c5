package dev.serval.runtime.onnx.internal;

import dev.serval.core.InvalidInputException;
import java.nio.charset.StandardCharsets;

/**
 * Conversions between BYTES elements and the Java strings ONNX Runtime's API takes and gives.
 *
 * <p>The API hands strings to the runtime in JNI's modified UTF-8, which differs from UTF-8 for
 * NUL and for characters above U+FFFF (such as emoji): the model would see other bytes than the
 * client sent, and compare or look them up wrongly. Such elements, and elements that are not
 * UTF-8 at all, are therefore rejected rather than silently changed.
 */
public final class StringTensors {
  private static final String NOT_UTF8 = "is not valid UTF-8";
  private static final String UNCHANGED = ", which ONNX Runtime's Java API cannot pass to the"
      + " model unchanged";
  private static final String NUL = "contains a NUL character" + UNCHANGED;
  private static final String ABOVE_FFFF =
      "contains a character above U+FFFF (such as an emoji)" + UNCHANGED;

  private StringTensors() {}

  /**
   * Checks that the runtime's API would pass every element on unchanged: well-formed UTF-8
   * without NUL and without four-byte sequences (the characters above U+FFFF). Reads the bytes
   * once and allocates nothing, so that serving can check each request before it is batched.
   *
   * @param input the input's name, for messages
   * @throws InvalidInputException naming the first bad element by its index in this tensor
   */
  public static void check(byte[][] elements, String input) {
    for (int i = 0; i < elements.length; i++) {
      String problem = problem(elements[i]);
      if (problem != null) {
        throw new InvalidInputException(
            "element " + i + " of input '" + input + "' " + problem);
      }
    }
  }

  /**
   * Decodes each element as UTF-8, after {@link #check checking} them.
   *
   * @throws InvalidInputException when an element is not UTF-8 or holds a character that the
   *     runtime's API would change
   */
  public static String[] toStrings(byte[][] elements, String input) {
    check(elements, input);
    String[] strings = new String[elements.length];
    for (int i = 0; i < elements.length; i++) {
      strings[i] = new String(elements[i], StandardCharsets.UTF_8);
    }
    return strings;
  }

  /**
   * Encodes a string tensor's value as UTF-8 elements in row-major order. The runtime returns a
   * {@code String} for a scalar and nested {@code String} arrays for higher ranks.
   */
  public static byte[][] toBytes(Object value, int elementCount) {
    byte[][] elements = new byte[elementCount][];
    int filled = flatten(value, elements, 0);
    if (filled != elementCount) {
      throw new IllegalStateException(
          "string tensor has " + filled + " elements but its shape says " + elementCount);
    }
    return elements;
  }

  /**
   * What is wrong with one element, or null. The sequences accepted are those of the Unicode
   * standard's table of well-formed UTF-8 (no overlong forms, no surrogates, nothing above
   * U+10FFFF).
   */
  private static String problem(byte[] element) {
    int i = 0;
    while (i < element.length) {
      byte b = element[i];
      if (b > 0) {
        i++;
        continue;
      }
      if (b == 0) {
        return NUL;
      }
      int lead = b & 0xFF;
      int length;
      int secondMin = 0x80;
      int secondMax = 0xBF;
      if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
      } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        secondMin = lead == 0xE0 ? 0xA0 : secondMin;
        secondMax = lead == 0xED ? 0x9F : secondMax;
      } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        secondMin = lead == 0xF0 ? 0x90 : secondMin;
        secondMax = lead == 0xF4 ? 0x8F : secondMax;
      } else {
        return NOT_UTF8;
      }
      if (i + length > element.length) {
        return NOT_UTF8;
      }
      int second = element[i + 1] & 0xFF;
      if (second < secondMin || second > secondMax) {
        return NOT_UTF8;
      }
      for (int k = 2; k < length; k++) {
        if ((element[i + k] & 0xC0) != 0x80) {
          return NOT_UTF8;
        }
      }
      if (length == 4) {
        return ABOVE_FFFF;
      }
      i += length;
    }
    return null;
  }

  private static int flatten(Object value, byte[][] into, int at) {
    if (value instanceof String) {
      into[at] = ((String) value).getBytes(StandardCharsets.UTF_8);
      return at + 1;
    }
    int next = at;
    for (Object element : (Object[]) value) {
      next = flatten(element, into, next);
    }
    return next;
  }
}
