package dev.serval.server.management.internal;

import com.linecorp.armeria.common.QueryParams;
import dev.serval.core.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads query parameters strictly: unknown, repeated or malformed ones are refused by name. */
public final class Queries {
  private Queries() {}

  /** @throws InvalidInputException naming the first parameter not in {@code known} */
  public static void allowOnly(QueryParams params, Set<String> known) {
    for (String name : params.names()) {
      if (!known.contains(name)) {
        throw new InvalidInputException(
            "unknown query parameter '" + name + "'; expected one of " + known);
      }
    }
  }

  /** The parameter's one value, or null when absent. */
  public static String single(QueryParams params, String name) {
    List<String> values = params.getAll(name);
    if (values.size() > 1) {
      throw new InvalidInputException("query parameter '" + name + "' must be given at most once");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  public static String text(QueryParams params, String name, String absent) {
    String value = single(params, name);
    return value == null ? absent : value;
  }

  public static int integer(QueryParams params, String name, int absent, int min, int max) {
    String value = single(params, name);
    if (value == null) {
      return absent;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Reported below with the range.
    }
    throw new InvalidInputException(
        "query parameter '" + name + "' must be an integer within " + min + ".." + max + ": "
            + value);
  }

  public static boolean bool(QueryParams params, String name) {
    String value = single(params, name);
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true") || value.isEmpty()) {
      return true;
    }
    throw new InvalidInputException(
        "query parameter '" + name + "' must be true or false: " + value);
  }

  /** Repeated {@code name=key=value} parameters; the registry checks keys and values. */
  public static Map<String, String> tags(QueryParams params, String name) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String tag : params.getAll(name)) {
      String[] pair = keyValue(name, tag);
      if (pair[1] == null) {
        throw new InvalidInputException(
            "query parameter '" + name + "' must be key=value: " + tag);
      }
      if (tags.put(pair[0], pair[1]) != null) {
        throw new InvalidInputException("tag '" + pair[0] + "' is given twice");
      }
    }
    return tags;
  }

  /** {@code key=value} as {key, value}, or {key, null} when there is no '='. */
  public static String[] keyValue(String name, String text) {
    int eq = text.indexOf('=');
    if (eq == 0) {
      throw new InvalidInputException(
          "query parameter '" + name + "' needs a key before '=': " + text);
    }
    return eq < 0 ? new String[] {text, null}
        : new String[] {text.substring(0, eq), text.substring(eq + 1)};
  }
}
