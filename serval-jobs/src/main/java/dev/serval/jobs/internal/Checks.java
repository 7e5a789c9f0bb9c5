package dev.serval.jobs.internal;

import dev.serval.core.InvalidInputException;
import java.util.regex.Pattern;

/** Checks of what a job submission names: each failure names the argument and the value. */
public final class Checks {
  public static final int MAX_TEXT = 4096;
  /** The registry's model name rule, checked here so a bad name fails at submission. */
  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final int SHOWN = 60;
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

  private Checks() {}

  public static String modelName(String what, String value) {
    if (value == null || !MODEL_NAME.matcher(value).matches()) {
      throw new InvalidInputException(what + " must be 1-128 characters of A-Z a-z 0-9 . _ -"
          + " not starting with '.': " + show(value));
    }
    return value;
  }

  /** Parameter and environment names: a letter or '_' then letters, digits or '_'. */
  public static String identifier(String what, String value) {
    if (value == null || !IDENTIFIER.matcher(value).matches()) {
      throw new InvalidInputException(what + " must be 1-64 characters of A-Z a-z 0-9 _ not"
          + " starting with a digit: " + show(value));
    }
    return value;
  }

  /** Text passed to a program: bounded and free of NUL, which no argument can carry. */
  public static String argument(String what, String value) {
    if (value == null || value.length() > MAX_TEXT || value.indexOf('\0') >= 0) {
      throw new InvalidInputException(what + " must be at most " + MAX_TEXT
          + " characters without NUL: " + show(value));
    }
    return value;
  }

  /**
   * A path the job declares (an output model): relative to its work directory or starting with
   * {@code {output_dir}}, and without {@code ..}, so that it cannot name a file elsewhere.
   */
  public static String declaredPath(String what, String value) {
    argument(what, value);
    String unified = value.replace('\\', '/');
    if (value.isBlank() || unified.startsWith("/") || unified.matches("^[A-Za-z]:.*")) {
      throw new InvalidInputException(what + " must be relative to the job's work directory or"
          + " start with {output_dir}: " + show(value));
    }
    for (String part : unified.split("/")) {
      if (part.equals("..")) {
        throw new InvalidInputException(what + " must not contain '..' (a job's paths stay in"
            + " its work and output folders): " + show(value));
      }
    }
    return value;
  }

  public static void require(boolean condition, String message) {
    if (!condition) {
      throw new InvalidInputException(message);
    }
  }

  /** A value safe to echo in a message: quoted, control characters escaped, long ones cut. */
  public static String show(String value) {
    if (value == null) {
      return "null";
    }
    String cut = value.length() > SHOWN ? value.substring(0, SHOWN) + "..." : value;
    return "'" + CONTROL.matcher(cut).replaceAll(
        m -> String.format("\\\\u%04x", (int) m.group().charAt(0))) + "'";
  }
}
