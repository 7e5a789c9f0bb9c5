package dev.serval.registry.internal;

import dev.serval.core.InvalidInputException;
import java.util.regex.Pattern;

/**
 * Checks of user-supplied names and texts. Names become URL segments, CLI arguments and possibly
 * folder names, so they are restricted to a portable set that cannot express a path.
 */
public final class Names {
  public static final int MAX_NAME = 128;
  public static final int MAX_TEXT = 4096;
  public static final int MAX_TAG_VALUE = 1024;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
  private static final int SHOWN = 40;

  private Names() {}

  /**
   * Rejects anything but 1–128 characters of {@code [A-Za-z0-9._-]} not starting with '.'.
   *
   * @param what the argument's name, used in the message ("model name", "alias")
   */
  public static String checkName(String what, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new InvalidInputException(
          what
              + " must be 1-"
              + MAX_NAME
              + " characters of A-Z a-z 0-9 . _ - not starting with '.': "
              + show(value));
    }
    return value;
  }

  /** Free text (descriptions, tag values): bounded, no control characters but newline and tab. */
  public static String checkText(String what, String value, int maxLength) {
    if (value == null) {
      throw new InvalidInputException(what + " must not be null");
    }
    if (value.length() > maxLength) {
      throw new InvalidInputException(
          what + " must be at most " + maxLength + " characters, got " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) && c != '\n' && c != '\t') {
        throw new InvalidInputException(
            what + " must not contain control characters: " + show(value));
      }
    }
    return value;
  }

  /** A value safe to echo in a message: quoted, control characters escaped, long ones cut. */
  public static String show(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("'");
    int end = Math.min(value.length(), SHOWN);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : c);
    }
    out.append(value.length() > SHOWN ? "...' (" + value.length() + " characters)" : "'");
    return out.toString();
  }
}
