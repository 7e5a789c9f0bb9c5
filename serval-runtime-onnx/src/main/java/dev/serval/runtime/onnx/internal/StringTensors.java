package dev.serval.runtime.onnx.internal;

import dev.serval.core.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
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
  private StringTensors() {}

  /**
   * Decodes each element as UTF-8.
   *
   * @param what names the tensor in error messages, e.g. {@code input 'x' of model m}
   * @throws InvalidInputException when an element is not UTF-8 or holds a character that the
   *     runtime's API would change
   */
  public static String[] toStrings(byte[][] elements, String what) {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
    String[] strings = new String[elements.length];
    for (int i = 0; i < elements.length; i++) {
      try {
        strings[i] = utf8.decode(ByteBuffer.wrap(elements[i])).toString();
      } catch (CharacterCodingException e) {
        throw new InvalidInputException(
            "element " + i + " of " + what + " is not valid UTF-8", e);
      }
      requireRepresentable(strings[i], i, what);
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

  private static void requireRepresentable(String s, int index, String what) {
    for (int c = 0; c < s.length(); c++) {
      char ch = s.charAt(c);
      if (ch == 0 || Character.isSurrogate(ch)) {
        throw new InvalidInputException("element " + index + " of " + what + " contains "
            + (ch == 0 ? "a NUL character" : "a character above U+FFFF (such as an emoji)")
            + ", which ONNX Runtime's Java API cannot pass to the model unchanged");
      }
    }
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
